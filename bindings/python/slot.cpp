// slotwise.Slot as a small native type. See convert.hpp.
//
// Why not a pybind11 class like the other values: availability() returns
// thousands of slots, and a pybind11 instance costs ~150 ns to create
// (type lookup, a heap copy of the C++ value, registration in the instance
// map), more than the whole C++ query spends per slot. This type is one
// pymalloc block holding the numbers and a shared reference to the resource
// id string; `start` and `end` become datetimes only when read.
#include "convert.hpp"

#include <Python.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace slotwise::python {
namespace {

struct SlotObject {
    PyObject_HEAD
    long long start;      // seconds since the epoch, UTC
    long long end;
    long long remaining;
    PyObject* resource_id;  // str, shared between the slots of one resource
    PyObject* others;       // tuple of str: the chosen resource of each further group; () when none
};

PyTypeObject* slot_type = nullptr;  // owned for the process's lifetime

// The () every one-group slot shares.
PyObject* empty_tuple() {
    static PyObject* const empty = PyTuple_New(0);  // owned for the process's lifetime
    return empty;
}

Instant instant_of(long long s) { return Instant{std::chrono::seconds{s}}; }

SlotObject* as_slot(PyObject* self) { return reinterpret_cast<SlotObject*>(self); }

// Freed slots kept for reuse (the GIL guards it): a week's availability is
// thousands of slots made and dropped together, and going back to pymalloc
// for each one cost more than the rest of the conversion (arenas emptied and
// refilled on every call).
constexpr int kFreeSlots = 16384;
PyObject* free_slots[kFreeSlots];
int free_count = 0;

PyObject* new_slot(long long start, long long end, PyObject* resource_id, long long remaining, PyObject* others) {
    SlotObject* s = nullptr;
    if (free_count > 0) {
        s = reinterpret_cast<SlotObject*>(PyObject_Init(free_slots[--free_count], slot_type));
    } else {
        s = PyObject_New(SlotObject, slot_type);
    }
    if (s == nullptr) return nullptr;
    s->start = start;
    s->end = end;
    s->remaining = remaining;
    Py_INCREF(resource_id);
    s->resource_id = resource_id;
    Py_INCREF(others);
    s->others = others;
    return reinterpret_cast<PyObject*>(s);
}

void slot_dealloc(PyObject* self) {
    PyTypeObject* type = Py_TYPE(self);
    Py_XDECREF(as_slot(self)->resource_id);
    Py_XDECREF(as_slot(self)->others);
    if (free_count < kFreeSlots) {
        free_slots[free_count++] = self;
    } else {
        PyObject_Free(self);
    }
    Py_DECREF(type);  // instances of heap types own a reference to their type
}

// Getters: any C++ exception must not cross into CPython, so each is guarded.
template <class F>
PyObject* guarded_getter(F&& f) {
    try {
        return f().release().ptr();
    } catch (py::error_already_set& e) {
        e.restore();
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
    }
    return nullptr;
}

PyObject* get_start(PyObject* self, void*) {
    return guarded_getter([&] { return from_instant(instant_of(as_slot(self)->start)); });
}
PyObject* get_end(PyObject* self, void*) {
    return guarded_getter([&] { return from_instant(instant_of(as_slot(self)->end)); });
}
PyObject* get_resource_id(PyObject* self, void*) {
    Py_INCREF(as_slot(self)->resource_id);
    return as_slot(self)->resource_id;
}
PyObject* get_resource_ids(PyObject* self, void*) {
    const SlotObject* s = as_slot(self);
    const Py_ssize_t n = PyTuple_GET_SIZE(s->others);
    PyObject* out = PyList_New(n + 1);
    if (out == nullptr) return nullptr;
    Py_INCREF(s->resource_id);
    PyList_SET_ITEM(out, 0, s->resource_id);
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject* id = PyTuple_GET_ITEM(s->others, i);
        Py_INCREF(id);
        PyList_SET_ITEM(out, i + 1, id);
    }
    return out;
}

PyObject* get_remaining(PyObject* self, void*) { return PyLong_FromLongLong(as_slot(self)->remaining); }

PyGetSetDef slot_getset[] = {
    {"start", get_start, nullptr, "Start, aware datetime in UTC.", nullptr},
    {"end", get_end, nullptr, "End, aware datetime in UTC.", nullptr},
    {"resource_id", get_resource_id, nullptr, "Id of the chosen resource of the first group (str).", nullptr},
    {"resource_ids", get_resource_ids, nullptr,
     "The chosen resource of each group, in group order (list of str; resource_ids[0] == resource_id).", nullptr},
    {"remaining", get_remaining, nullptr, "Seats still free over the slot's occupied interval.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyObject* slot_repr(PyObject* self) {
    const SlotObject* s = as_slot(self);
    const std::string text = "Slot(start=" + format_instant(instant_of(s->start)) +
                             ", end=" + format_instant(instant_of(s->end)) + ", resource_id=";
    if (PyTuple_GET_SIZE(s->others) == 0) {
        return PyUnicode_FromFormat("%s%R, remaining=%lld)", text.c_str(), s->resource_id, s->remaining);
    }
    return PyUnicode_FromFormat("%s%R, remaining=%lld, other_resource_ids=%R)", text.c_str(), s->resource_id,
                                s->remaining, s->others);
}

PyObject* slot_richcompare(PyObject* a, PyObject* b, int op) {
    if (!PyObject_TypeCheck(b, slot_type) || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
    const SlotObject* x = as_slot(a);
    const SlotObject* y = as_slot(b);
    int same = x->start == y->start && x->end == y->end && x->remaining == y->remaining;
    if (same) {
        same = PyObject_RichCompareBool(x->resource_id, y->resource_id, Py_EQ);
        if (same < 0) return nullptr;
    }
    if (same) {
        same = PyObject_RichCompareBool(x->others, y->others, Py_EQ);
        if (same < 0) return nullptr;
    }
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}

Py_hash_t slot_hash(PyObject* self) {
    const SlotObject* s = as_slot(self);
    const Py_hash_t id = PyObject_Hash(s->resource_id);
    if (id == -1) return -1;
    const Py_hash_t others = PyObject_Hash(s->others);
    if (others == -1) return -1;
    Py_uhash_t h = static_cast<Py_uhash_t>(id) * 1000003u ^ static_cast<Py_uhash_t>(others);
    for (long long v : {s->start, s->end, s->remaining}) h = h * 1000003u ^ static_cast<Py_uhash_t>(v);
    const auto out = static_cast<Py_hash_t>(h);
    return out == -1 ? -2 : out;
}

// Pickling: (Slot._make, (start_seconds, end_seconds, resource_id, remaining,
// other_resource_ids)); the last may be left out (one group).
// A class method pickles by reference to slotwise.Slot.
PyObject* slot_make(PyObject* cls, PyObject* args) {
    long long start = 0, end = 0, remaining = 0;
    PyObject* resource_id = nullptr;
    PyObject* others = nullptr;
    if (!PyArg_ParseTuple(args, "LLUL|O!:_make", &start, &end, &resource_id, &remaining, &PyTuple_Type, &others)) {
        return nullptr;
    }
    if (others == nullptr) others = empty_tuple();
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(others); ++i) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(others, i))) {
            PyErr_SetString(PyExc_TypeError, "Slot._make: other resource ids must be str");
            return nullptr;
        }
    }
    if (cls != reinterpret_cast<PyObject*>(slot_type)) {
        PyErr_SetString(PyExc_TypeError, "Slot._make makes only Slot");
        return nullptr;
    }
    return new_slot(start, end, resource_id, remaining, others);
}

PyObject* slot_reduce(PyObject* self, PyObject*) {
    const SlotObject* s = as_slot(self);
    PyObject* make = PyObject_GetAttrString(reinterpret_cast<PyObject*>(Py_TYPE(self)), "_make");
    if (make == nullptr) return nullptr;
    return Py_BuildValue("(N(LLOLO))", make, s->start, s->end, s->resource_id, s->remaining, s->others);
}

PyMethodDef slot_methods[] = {
    {"__reduce__", slot_reduce, METH_NOARGS, "Pickle support."},
    {"_make", slot_make, METH_VARARGS | METH_CLASS, "Unpickles a Slot (seconds since the epoch)."},
    {nullptr, nullptr, 0, nullptr},
};

const char slot_doc[] = R"(A free slot ``[start, end)``: one resource of each of the service's groups.

``start`` and ``end`` are aware UTC datetimes; ``remaining`` is the number of
seats still free over the slot's occupied interval (buffers included), the
fewest among its resources. ``resource_ids`` names the chosen resource of
each group, ``resource_id`` the first. Pass ``slot.start`` and
``slot.resource_ids`` to ``TenantScope.book``. Slots compare
equal by value and are hashable.)";

}  // namespace

void register_slot_type(py::module_& m) {
    PyType_Slot slots[] = {
        {Py_tp_dealloc, reinterpret_cast<void*>(slot_dealloc)},
        {Py_tp_repr, reinterpret_cast<void*>(slot_repr)},
        {Py_tp_richcompare, reinterpret_cast<void*>(slot_richcompare)},
        {Py_tp_hash, reinterpret_cast<void*>(slot_hash)},
        {Py_tp_getset, slot_getset},
        {Py_tp_methods, slot_methods},
        {Py_tp_doc, const_cast<char*>(slot_doc)},
        {0, nullptr},
    };
    // Not instantiable from Python: slots come from availability().
#ifdef Py_TPFLAGS_DISALLOW_INSTANTIATION
    const unsigned flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE;
#else
    const unsigned flags = Py_TPFLAGS_DEFAULT;
#endif
    PyType_Spec spec{"slotwise.Slot", sizeof(SlotObject), 0, flags, slots};
    PyObject* type = PyType_FromSpec(&spec);
    if (type == nullptr) throw py::error_already_set();
    slot_type = reinterpret_cast<PyTypeObject*>(type);
    m.add_object("Slot", py::reinterpret_borrow<py::object>(type));
}

namespace {
// The last (up to) eight bytes of an id, as a number: ids end in random hex,
// so unequal ids almost always differ here, and comparing two numbers is
// cheaper than a memcmp of two ids that share a prefix ("res_").
std::uint64_t tail_of(const std::string& id) {
    std::uint64_t tail = 0;
    const std::size_t n = std::min<std::size_t>(id.size(), sizeof tail);
    std::memcpy(&tail, id.data() + id.size() - n, n);
    return tail ^ id.size();
}
}  // namespace

py::list slots_to_list(std::vector<ResourceSlot>&& slots) {
    py::list out(slots.size());
    // Slots come sorted by (start, resource id), so the few resources repeat
    // in a cycle: their id strings are made once and shared, and the search
    // for the next one starts just after the last one found.
    struct Known {
        std::uint64_t tail;
        const std::string* text;
        py::object id;
    };
    std::vector<Known> ids;
    std::size_t last = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const std::string& text = slots[i].resource.value;
        const std::uint64_t tail = tail_of(text);
        PyObject* id = nullptr;
        std::size_t j = last;
        for (std::size_t k = 0; k < ids.size(); ++k) {
            if (++j == ids.size()) j = 0;
            if (ids[j].tail == tail && *ids[j].text == text) {
                id = ids[j].id.ptr();
                last = j;
                break;
            }
        }
        if (id == nullptr) {
            ids.push_back({tail, &text, py::str(text)});
            last = ids.size() - 1;
            id = ids.back().id.ptr();
        }
        const auto& s = slots[i];
        py::object others = py::reinterpret_borrow<py::object>(empty_tuple());
        if (!s.other_resources.empty()) {
            py::tuple t(s.other_resources.size());
            for (std::size_t k = 0; k < s.other_resources.size(); ++k) t[k] = py::str(s.other_resources[k].value);
            others = std::move(t);
        }
        PyObject* slot = new_slot(s.start.time_since_epoch().count(), s.end.time_since_epoch().count(), id,
                                  s.remaining, others.ptr());
        if (slot == nullptr) throw py::error_already_set();
        PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), slot);
    }
    return out;
}

}  // namespace slotwise::python
