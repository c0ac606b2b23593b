// Factories of the properties, one per file in this folder.
#pragma once

#include <memory>

#include "properties/tracker.hpp"

namespace properties {

std::unique_ptr<Property> make_pool_refcount(Tracker& tracker);
std::unique_ptr<Property> make_job_refcount(Tracker& tracker);
std::unique_ptr<Property> make_run_after_destroy(Tracker& tracker);
std::unique_ptr<Property> make_single_run(Tracker& tracker);
std::unique_ptr<Property> make_no_lost_job(Tracker& tracker);
std::unique_ptr<Property> make_cancel_result(Tracker& tracker);
std::unique_ptr<Property> make_queue_consistency(Tracker& tracker);
std::unique_ptr<Property> make_job_done_discipline(Tracker& tracker);
std::unique_ptr<Property> make_thread_name(Tracker& tracker);
std::unique_ptr<Property> make_registry_refcount(Tracker& tracker);
std::unique_ptr<Property> make_interlock_order(Tracker& tracker);

}  // namespace properties
