// Party services (restaurants): TableCombination and the TenantScope calls
// that declare, list and remove the tables a tenant joins for a large party.
// GIL: released around every engine call (binding.hpp).
#include "binding.hpp"

namespace slotwise::python {

// A bool, not an int: party=1 is more likely a mistake than a choice.
bool to_flag(py::handle h, const std::string& field) {
    if (h.ptr() == Py_True) return true;
    if (h.ptr() == Py_False) return false;
    invalid(field, std::string("expected True or False, got ") + Py_TYPE(h.ptr())->tp_name);
}

void bind_tables(py::module_& m) {
    py::class_<TableCombination> combination(m, "TableCombination",
                                             R"(Tables of one group of a party service that seat a large party
together (T3 + T4 seat 10). Returned by ``TenantScope.declare_table_combination``
and ``table_combinations``.)");
    combination.def_property_readonly("id", [](const TableCombination& c) { return c.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("service_id", [](const TableCombination& c) { return c.service.value; },
                               R"(The party service it is declared for.)")
        .def_property_readonly("group", [](const TableCombination& c) { return c.group; },
                               R"(Index of the service's resource group the tables belong to.)")
        .def_property_readonly("tables", [](const TableCombination& c) { return ids_to_list(c.tables); },
                               R"(Ids of its tables, sorted (list of str).)")
        .def_property_readonly("size", [](const TableCombination& c) { return c.size; },
                               R"(Guests the joined tables seat.)")
        .def("__eq__", [](const TableCombination& a, const TableCombination& b) { return a == b; }, py::is_operator())
        .def("__ne__", [](const TableCombination& a, const TableCombination& b) { return !(a == b); },
             py::is_operator())
        .def("__repr__", [](const TableCombination& c) {
            std::string tables;
            for (const auto& t : c.tables) tables += (tables.empty() ? "" : ", ") + repr_text(t.value);
            return "TableCombination(id=" + repr_text(c.id.value) + ", service_id=" + repr_text(c.service.value) +
                   ", group=" + std::to_string(c.group) + ", tables=[" + tables + "], size=" + std::to_string(c.size) +
                   ")";
        });

    auto scope = bound_class<TenantScope>(m, "TenantScope");
    scope.def(
        "declare_table_combination",
        [](TenantScope& s, py::handle service_id, py::handle tables, py::handle size, py::handle group) {
            NewTableCombination n;
            n.service = to_given_id<ServiceId>(service_id, "service_id");
            n.tables = to_ids<ResourceId>(tables, "tables");
            n.size = static_cast<int>(to_integer(size, "size", 1, max_seats));
            n.group = static_cast<std::size_t>(to_integer(group, "group", 0, 1000));
            return nogil([&] { return s.declare_table_combination(n); });
        },
        py::arg("service_id"), py::arg("tables"), py::arg("size"), py::arg("group") = 0,
        R"(declare_table_combination($self, service_id, tables, size, group=0)
--

Declares tables that seat a large party together (admin) and returns the
TableCombination. A party no single free table seats is given the smallest
free combination (fewest seats, then fewest tables), every table held.

Args:
    service_id: a party service (created with party=True).
    tables: ids of two or more tables of that group, each of capacity 1
        with a size.
    size: guests the joined tables seat.
    group: index of the service's resource group they belong to.

Raises ValidationError naming the field ("service", "group", "tables",
"tables[i]", "size").)");
    scope.def(
        "table_combinations",
        [](TenantScope& s, py::handle service_id) {
            const auto id = to_id<ServiceId>(service_id, "service_id");
            return to_list(nogil([&] { return s.table_combinations(id); }));
        },
        py::arg("service_id"), R"(table_combinations($self, service_id)
--

The combinations declared for a service (list[TableCombination]), ordered by id.)");
    scope.def(
        "remove_table_combination",
        [](TenantScope& s, py::handle combination_id) {
            const auto id = to_given_id<CombinationId>(combination_id, "combination_id");
            nogil([&] { s.remove_table_combination(id); });
        },
        py::arg("combination_id"), R"(remove_table_combination($self, combination_id)
--

Removes a combination (admin). Raises NotFound when there is none.)");
}

}  // namespace slotwise::python
