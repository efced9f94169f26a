// TenantScope itself (its properties and repr) and its catalogue calls:
// resources, weekly hours, date overrides, blocks and services.
#include "binding.hpp"

namespace slotwise::python {
namespace {

// hold_minutes, checked here so that the error names the Python argument.
Minutes to_hold(py::handle h) {
    const Minutes hold = to_minutes(h, "hold_minutes");
    if (hold < Minutes{1} || hold > max_minutes) {
        invalid("hold_minutes", "must be between 1 and " + std::to_string(max_minutes.count()) + " minutes");
    }
    return hold;
}

}  // namespace

void bind_scope_catalogue(py::module_& m) {
    py::class_<TenantScope> scope(m, "TenantScope", R"(Everything one principal can do within its tenant.

Obtain from ``Engine.scope(tenant_id, role=...)``. Every call sees only this
tenant's data: an id of another tenant behaves exactly like one that does not
exist (NotFound). Catalogue changes need role "admin" (PermissionDenied
otherwise); a "customer" scope sees and changes only the bookings it made.
Safe to share between threads. Every storage call releases the GIL.)");

    scope.def_property_readonly("tenant_id", [](const TenantScope& s) { return s.principal().tenant.value; },
                                R"(The tenant this scope acts in.)")
        .def_property_readonly("role", [](const TenantScope& s) { return std::string(to_string(s.principal().role)); },
                               R"("admin", "staff" or "customer".)")
        .def_property_readonly("subject", [](const TenantScope& s) { return s.principal().subject; },
                               R"(Who this scope acts as (given, or generated when the scope was made).)")
        .def("__repr__", [](const TenantScope& s) {
            const auto& p = s.principal();
            return "<slotwise.TenantScope tenant_id=" + repr_text(p.tenant.value) +
                   " role=" + repr_text(std::string(to_string(p.role))) + " subject=" + repr_text(p.subject) + ">";
        });

    // Catalogue -----------------------------------------------------------------
    scope.def(
        "create_resource",
        [](TenantScope& s, py::handle name, py::handle timezone, py::handle capacity, py::handle kind,
           py::handle size) {
            NewResource r;
            r.name = to_text(name, "name");
            r.timezone = to_text(timezone, "timezone");
            r.capacity = static_cast<int>(to_integer(capacity, "capacity", 1, max_seats));
            r.kind = parse_resource_kind(to_text(kind, "kind"), "kind");
            if (!size.is_none()) r.size = static_cast<int>(to_integer(size, "size", 1, max_seats));
            return nogil([&] { return s.create_resource(r); });
        },
        py::arg("name"), py::arg("timezone"), py::arg("capacity") = 1, py::arg("kind") = "staff",
        py::arg("size") = py::none(),
        R"(create_resource($self, name, timezone, capacity=1, kind='staff', size=None)
--

Creates a resource (admin) and returns it.

Args:
    name: display name.
    timezone: IANA zone, e.g. "Europe/Rome"; working hours are local to it.
    capacity: seats usable at once (1 for a stylist, 12 for a class).
    kind: "staff", "room", "equipment" or "table".
    size: guests a table seats (capacity 1 only), or None: a party service
        seats a party of q only at a table of size >= q (or a combination).

A new resource has no working hours: set them with set_weekly_hours.)");
    scope.def(
        "update_resource",
        [](TenantScope& s, py::handle resource_id, py::handle name, py::handle timezone, py::handle capacity,
           py::handle kind, py::handle size) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            ResourcePatch patch;
            if (!name.is_none()) patch.name = to_text(name, "name");
            if (!timezone.is_none()) patch.timezone = to_text(timezone, "timezone");
            if (!capacity.is_none()) patch.capacity = static_cast<int>(to_integer(capacity, "capacity", 1, max_seats));
            if (!kind.is_none()) patch.kind = parse_resource_kind(to_text(kind, "kind"), "kind");
            if (!size.is_none()) patch.size = static_cast<int>(to_integer(size, "size", 1, max_seats));
            return nogil([&] { return s.update_resource(id, patch); });
        },
        py::arg("resource_id"), py::kw_only(), py::arg("name") = py::none(), py::arg("timezone") = py::none(),
        py::arg("capacity") = py::none(), py::arg("kind") = py::none(), py::arg("size") = py::none(),
        R"(update_resource($self, resource_id, *, name=None, timezone=None, capacity=None, kind=None, size=None)
--

Changes the given fields of a resource (admin) and returns it; None keeps a field.

The resource is read and written in one transaction, so calls changing
different fields at the same time all keep their change.)");
    scope.def(
        "get_resource",
        [](TenantScope& s, py::handle resource_id) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            return nogil([&] { return s.get_resource(id); });
        },
        py::arg("resource_id"), R"(get_resource($self, resource_id)
--

A resource by id. Raises NotFound.)");
    scope.def(
        "resources", [](TenantScope& s) { return to_list(nogil([&] { return s.resources(); })); },
        R"(resources($self)
--

Every resource of the tenant (list[Resource]), ordered by id.)");
    scope.def(
        "set_weekly_hours",
        [](TenantScope& s, py::handle resource_id, py::handle hours) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            auto week = to_weekly_hours(hours, "hours");
            nogil([&] { s.set_weekly_hours(id, std::move(week)); });
        },
        py::arg("resource_id"), py::arg("hours"),
        R"(set_weekly_hours($self, resource_id, hours)
--

Replaces a resource's weekly working hours (admin).

Args:
    hours: {"mon": [("09:00", "13:00"), ("14:00", "18:00")], "sat": [...]};
        keys mon tue wed thu fri sat sun, local "HH:MM" pairs, an end may be
        "24:00". Days left out are closed. Windows of a day must not overlap.)");
    scope.def(
        "weekly_hours",
        [](TenantScope& s, py::handle resource_id) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            return from_weekly_hours(nogil([&] { return s.weekly_hours(id); }));
        },
        py::arg("resource_id"), R"(weekly_hours($self, resource_id)
--

A resource's weekly hours: {"mon": [("09:00", "13:00")], ..., "sun": []}.)");
    scope.def(
        "set_date_override",
        [](TenantScope& s, py::handle resource_id, py::handle day, py::handle windows) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            const auto d = to_date(day, "day");
            auto ws = to_windows(windows, "windows");
            nogil([&] { s.set_date_override(id, d, std::move(ws)); });
        },
        py::arg("resource_id"), py::arg("day"), py::arg("windows"),
        R"(set_date_override($self, resource_id, day, windows)
--

Sets the working windows of one local date, replacing the weekly ones (admin).

Args:
    day: datetime.date or "YYYY-MM-DD".
    windows: [("09:00", "12:00")]; [] closes the day.)");
    scope.def(
        "clear_date_override",
        [](TenantScope& s, py::handle resource_id, py::handle day) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            const auto d = to_date(day, "day");
            nogil([&] { s.clear_date_override(id, d); });
        },
        py::arg("resource_id"), py::arg("day"),
        R"(clear_date_override($self, resource_id, day)
--

Removes a date's override (admin); the weekly hours apply again. NotFound when there is none.)");
    scope.def(
        "date_overrides",
        [](TenantScope& s, py::handle resource_id, py::handle date_from, py::handle date_to) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            const auto from = to_date(date_from, "date_from");
            const auto to = to_date(date_to, "date_to");
            check_dates(from, to, "date_from", "date_to");
            const auto overrides = nogil([&] { return s.date_overrides(id, from, to); });
            py::dict out;
            for (const auto& [day, ws] : overrides) out[from_date(day)] = from_windows(ws);
            return out;
        },
        py::arg("resource_id"), py::arg("date_from"), py::arg("date_to"),
        R"(date_overrides($self, resource_id, date_from, date_to)
--

Overrides of local dates in [date_from, date_to]: {datetime.date: [("09:00", "12:00")], ...}.)");
    scope.def(
        "add_block",
        [](TenantScope& s, py::handle resource_id, py::handle start, py::handle end, py::handle reason) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            const Interval when{to_instant(start, "start"), to_instant(end, "end")};
            const auto why = to_optional_text(reason, "reason");
            return nogil([&] { return s.add_block(id, when, why); });
        },
        py::arg("resource_id"), py::arg("start"), py::arg("end"), py::arg("reason") = "",
        R"(add_block($self, resource_id, start, end, reason='')
--

Adds time off [start, end) to a resource (admin or staff) and returns the Block.

start and end are aware datetimes or RFC 3339 strings. A block takes every seat.)");
    scope.def(
        "remove_block",
        [](TenantScope& s, py::handle block_id) {
            const auto id = to_id<BlockId>(block_id, "block_id");
            nogil([&] { s.remove_block(id); });
        },
        py::arg("block_id"), R"(remove_block($self, block_id)
--

Removes time off (admin or staff). Raises NotFound.)");
    scope.def(
        "blocks",
        [](TenantScope& s, py::handle resource_id, py::handle start, py::handle end) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            const Interval range{to_instant(start, "start"), to_instant(end, "end")};
            return to_list(nogil([&] { return s.blocks(id, range); }));
        },
        py::arg("resource_id"), py::arg("start"), py::arg("end"),
        R"(blocks($self, resource_id, start, end)
--

Time off of a resource overlapping [start, end) (list[Block]), ordered by start.)");

    scope.def(
        "create_service",
        [](TenantScope& s, py::handle name, py::handle duration, py::handle step, py::handle buffer_before,
           py::handle buffer_after, py::handle price, py::handle currency, py::handle min_notice,
           py::handle horizon, py::handle hold_minutes, py::handle resources, py::handle cancel_notice,
           py::handle resource_groups, py::handle segments, py::handle limits, py::handle party,
           py::handle requires_confirmation, py::handle request_expiry_minutes, py::handle offer_minutes) {
            NewService n;
            n.name = to_text(name, "name");
            n.duration = to_minutes(duration, "duration");
            n.step = step.is_none() ? Minutes{0} : to_minutes(step, "step");
            if (!step.is_none() && n.step < Minutes{1}) invalid("step", "must be at least 1 minute");
            n.buffer_before = to_minutes(buffer_before, "buffer_before");
            n.buffer_after = to_minutes(buffer_after, "buffer_after");
            n.price = to_integer(price, "price", 0, 100'000'000'000LL);
            n.currency = to_optional_text(currency, "currency");
            n.min_notice = to_minutes(min_notice, "min_notice");
            n.horizon = to_minutes(horizon, "horizon");
            n.hold = to_hold(hold_minutes);
            if (resources.is_none() && resource_groups.is_none()) {
                invalid("resources", "at least one resource must perform the service");
            }
            if (!resources.is_none()) n.resources = to_ids<ResourceId>(resources, "resources");
            if (!resource_groups.is_none()) n.resource_groups = to_groups(resource_groups, "resource_groups");
            n.cancel_notice = to_minutes(cancel_notice, "cancel_notice");
            if (!segments.is_none()) n.segments = to_segments(segments, "segments");
            if (!limits.is_none()) n.limits = to_limits(limits, "limits");
            n.party = to_flag(party, "party");
            n.requires_confirmation = to_flag(requires_confirmation, "requires_confirmation");
            n.request_expiry = to_minutes(request_expiry_minutes, "request_expiry_minutes");
            n.offer_time = to_minutes(offer_minutes, "offer_minutes");
            return nogil([&] { return s.create_service(n); });
        },
        py::arg("name"), py::arg("duration"), py::arg("step") = py::none(), py::arg("buffer_before") = 0,
        py::arg("buffer_after") = 0, py::arg("price") = 0, py::arg("currency") = py::none(),
        py::arg("min_notice") = 0, py::arg("horizon") = 0, py::arg("hold_minutes") = 15,
        py::arg("resources") = py::none(), py::arg("cancel_notice") = 0, py::arg("resource_groups") = py::none(),
        py::arg("segments") = py::none(), py::arg("limits") = py::none(), py::arg("party") = false,
        py::arg("requires_confirmation") = false, py::arg("request_expiry_minutes") = 24 * 60,
        py::arg("offer_minutes") = 60,
        R"(create_service($self, name, duration, step=None, buffer_before=0, buffer_after=0, price=0, currency=None, min_notice=0, horizon=0, hold_minutes=15, resources=None, cancel_notice=0, resource_groups=None, segments=None, limits=None, party=False, requires_confirmation=False, request_expiry_minutes=1440, offer_minutes=60)
--

Creates a service (admin) and returns it. All lengths are whole minutes.

Args:
    name: display name.
    duration: length of the appointment.
    step: spacing of candidate starts; None = the duration.
    buffer_before, buffer_after: time reserved around each appointment.
    price: minor units (cents); 0 = free (bookings confirm at once).
    currency: ISO 4217 code such as "EUR"; required when price > 0.
    min_notice: a slot must start at least this long after now.
    horizon: a slot must start within this long from now; 0 = no limit.
    hold_minutes: how long a pending paid booking holds its slot.
    resources: ids of the resources that perform it, any one of them (at
        least one); the same as resource_groups=[resources].
    cancel_notice: a customer may cancel or reschedule until this long
        before the start (staff and admin until the end); 0 = until the start.
    resource_groups: [[doctor ids], [room ids]]: one resource of each group,
        all at once (give this or resources). The first group is the one who
        works: segments and limits apply to it; the others are held for the
        whole appointment.
    segments: [("busy", 30), ("free", 45), ("busy", 20)]: starting and ending
        with "busy", summing to the duration; the first group's resource is
        occupied only by the busy parts.
    limits: {"day": 8, "week": 30, "month": 100}, each optional: at most this
        many bookings of the service per resource of the first group in one
        local day, ISO week (Monday-Sunday) or calendar month of its zone.
    party: books parties (restaurants): book()'s seats is the party size,
        and each group gives the party the smallest free table that seats
        it, else the smallest free combination declared with
        declare_table_combination; every table is held whole.
    requires_confirmation: bookings are "requested" (holding their slot)
        until staff confirm or reject them; a paid one is paid after approval.
    request_expiry_minutes: a request lapses after this, never past its start.
    offer_minutes: a waitlist offer holds its seat this long, never past
        the start.

Example::

    t.create_service(name="Check-up", duration=30,
                     resource_groups=[[rossi.id, bianchi.id], [room1.id, room2.id]]))");
    scope.def(
        "update_service",
        [](TenantScope& s, py::handle service_id, py::kwargs kwargs) {
            const auto id = to_given_id<ServiceId>(service_id, "service_id");
            ServicePatch patch;
            for (const auto& [key, value] : kwargs) {
                const auto k = to_text(key, "kwargs");
                if (value.is_none()) continue;
                if (k == "name") patch.name = to_text(value, k);
                else if (k == "duration") patch.duration = to_minutes(value, k);
                else if (k == "step") patch.step = to_minutes(value, k);
                else if (k == "buffer_before") patch.buffer_before = to_minutes(value, k);
                else if (k == "buffer_after") patch.buffer_after = to_minutes(value, k);
                else if (k == "price") patch.price = to_integer(value, k, 0, 100'000'000'000LL);
                else if (k == "currency") patch.currency = to_text(value, k);
                else if (k == "min_notice") patch.min_notice = to_minutes(value, k);
                else if (k == "horizon") patch.horizon = to_minutes(value, k);
                else if (k == "hold_minutes") patch.hold = to_hold(value);
                else if (k == "resources") patch.resources = to_ids<ResourceId>(value, k);
                else if (k == "cancel_notice") patch.cancel_notice = to_minutes(value, k);
                else if (k == "resource_groups") patch.resource_groups = to_groups(value, k);
                else if (k == "segments") patch.segments = to_segments(value, k);
                else if (k == "limits") patch.limits = to_limits(value, k);
                else if (k == "party") patch.party = to_flag(value, k);
                else if (k == "requires_confirmation") patch.requires_confirmation = to_flag(value, k);
                else if (k == "request_expiry_minutes") patch.request_expiry = to_minutes(value, k);
                else if (k == "offer_minutes") patch.offer_time = to_minutes(value, k);
                else invalid(k, "unknown field of a service");
            }
            return nogil([&] { return s.update_service(id, patch); });
        },
        py::arg("service_id"),
        R"(update_service($self, service_id, **fields)
--

Changes the given fields of a service (admin) and returns it.

Keyword arguments are those of create_service; None or absent keeps a field.
The service is read and written in one transaction, so calls changing
different fields at the same time all keep their change. Existing bookings
keep their times and buffers. Example::

    t.update_service(s.id, price=3000, buffer_after=15))");
    scope.def(
        "get_service",
        [](TenantScope& s, py::handle service_id) {
            const auto id = to_id<ServiceId>(service_id, "service_id");
            return nogil([&] { return s.get_service(id); });
        },
        py::arg("service_id"), R"(get_service($self, service_id)
--

A service by id. Raises NotFound.)");
    scope.def(
        "services", [](TenantScope& s) { return to_list(nogil([&] { return s.services(); })); },
        R"(services($self)
--

Every service of the tenant (list[Service]), ordered by id.)");

}

}  // namespace slotwise::python
