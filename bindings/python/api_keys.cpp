// API keys (api_keys.hpp) on Engine: mint, list, revoke, authenticate. A key
// is returned as a dict; its secret only by create_api_key, once.
#include "binding.hpp"

#include <slotwise/api_keys.hpp>

namespace slotwise::python {
namespace {

py::dict key_dict(const ApiKey& k) {
    py::dict d;
    d["id"] = k.id;
    d["tenant_id"] = k.tenant.value;
    d["role"] = std::string(to_string(k.role));
    d["subject"] = k.subject;
    d["label"] = k.label;
    d["created_at"] = from_instant(k.created_at);
    d["revoked_at"] = from_instant(k.revoked_at);
    return d;
}

}  // namespace

void bind_api_keys(py::module_& m) {
    auto engine = py::reinterpret_borrow<py::class_<Engine>>(m.attr("Engine"));
    engine.def(
        "create_api_key",
        [](const Engine& e, py::handle tenant_id, py::handle role, py::handle subject, py::handle label) {
            NewApiKey k{.tenant = TenantId{to_text(tenant_id, "tenant_id")}, .role = to_role(role, "role"),
                        .subject = to_optional_text(subject, "subject"), .label = to_optional_text(label, "label")};
            const auto issued = nogil([&] { return create_api_key(e, k); });
            auto d = key_dict(issued.key);
            d["secret"] = issued.secret;
            return d;
        },
        py::arg("tenant_id"), py::arg("role"), py::arg("subject") = py::none(), py::arg("label") = py::none(),
        R"(create_api_key($self, tenant_id, role, subject=None, label=None)
--

Mints an API key for the tenant: role "admin", "staff" or "customer" (staff
and customer need a subject, the user's id in the host). Returns a dict with
"id", "tenant_id", "role", "subject", "label", "created_at", "revoked_at" and
"secret": the key itself, shown this once (only its SHA-256 is stored).)");
    engine.def(
        "api_keys",
        [](const Engine& e, py::handle tenant_id) {
            const TenantId t{to_text(tenant_id, "tenant_id")};
            const auto keys = nogil([&] { return api_keys(e, t); });
            py::list out;
            for (const auto& k : keys) out.append(key_dict(k));
            return out;
        },
        py::arg("tenant_id"), R"(api_keys($self, tenant_id)
--

The tenant's keys, revoked ones included, oldest first, as dicts (never a secret).)");
    engine.def(
        "revoke_api_key",
        [](const Engine& e, py::handle tenant_id, py::handle key_id) {
            const TenantId t{to_text(tenant_id, "tenant_id")};
            const auto id = to_text(key_id, "key_id");
            nogil([&] { revoke_api_key(e, t, id); });
        },
        py::arg("tenant_id"), py::arg("key_id"), R"(revoke_api_key($self, tenant_id, key_id)
--

Revokes a live key of the tenant; NotFoundError otherwise (another tenant's key reads the same).)");
    engine.def(
        "authenticate_api_key",
        [](const Engine& e, py::handle secret) -> py::object {
            const auto s = to_text(secret, "secret");
            const auto k = nogil([&] { return authenticate_api_key(e, s); });
            if (!k) return py::none();
            return key_dict(*k);
        },
        py::arg("secret"), R"(authenticate_api_key($self, secret)
--

The live key whose secret this is, as a dict, or None (unknown, revoked, malformed).)");
}

}  // namespace slotwise::python
