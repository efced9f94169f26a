// slotwise.PRESETS, slotwise.Preset and TenantScope.apply_preset
// (presets.hpp): the rule sets for the verticals, seeded in one transaction.
#include "binding.hpp"

#include <slotwise/presets.hpp>

namespace slotwise::python {

void bind_presets(py::module_& m) {
    py::tuple names(preset_names.size());
    for (std::size_t i = 0; i < preset_names.size(); ++i) names[i] = py::str(std::string(preset_names[i]));
    m.attr("PRESETS") = names;

    py::class_<Preset>(m, "Preset", R"(What ``TenantScope.apply_preset`` made: ``name``, ``resources``
(list of Resource) and ``services`` (list of Service), usable at once.)")
        .def_readonly("name", &Preset::name)
        .def_property_readonly("resources", [](const Preset& p) { return to_list(std::vector<Resource>(p.resources)); })
        .def_property_readonly("services", [](const Preset& p) { return to_list(std::vector<Service>(p.services)); })
        .def("__repr__", [](const Preset& p) {
            return "Preset(name=" + py::repr(py::str(p.name)).cast<std::string>() + ", " +
                   std::to_string(p.resources.size()) + " resources, " + std::to_string(p.services.size()) +
                   " services)";
        });

    bound_class<TenantScope>(m, "TenantScope")
        .def(
            "apply_preset",
            [](TenantScope& s, py::handle name, py::handle timezone, py::handle locale, py::handle currency) {
                const auto n = to_text(name, "name");
                const PresetOptions o{.timezone = to_text(timezone, "timezone"), .locale = to_text(locale, "locale"),
                                      .currency = to_text(currency, "currency")};
                return nogil([&] { return s.apply_preset(n, o); });
            },
            py::arg("name"), py::kw_only(), py::arg("timezone"), py::arg("locale") = "en", py::arg("currency") = "EUR",
            R"(apply_preset($self, name, *, timezone, locale='en', currency='EUR')
--

Admin: seeds this tenant with the preset ``name`` (one of ``slotwise.PRESETS``):
resources, their weekly hours in ``timezone``, and services named in ``locale``
("en" or "it"), all in one transaction. Returns a Preset. Raises ValidationError
naming ``name``, ``timezone``, ``locale`` or ``currency``. See docs/presets.md.)");
}

}  // namespace slotwise::python
