/* dualdiff._speedups: the float fast path of the Dual, compiled.
 *
 * Optional: dualdiff runs the same without it (dualdiff/dual.py holds the
 * reference implementation of everything here, in Python). It provides
 *
 *  - DualBase, the base class of dualdiff.Dual: the three slots primal, tangent,
 *    tag, and + - * / ** and unary - for the common case only: a Dual (exactly
 *    dualdiff.Dual) with a float primal and a float tangent, combined with a
 *    Python float or int or with such a Dual of the same tag. Every other case
 *    (arrays, nested Duals, traced values, other tags, zero divisors, anything
 *    that would raise or overflow) calls the Python method that dual.py
 *    registered with install(), so the results are the Python implementation's,
 *    operation for operation;
 *  - kernel(name): the chain rule of one elementary function on such a Dual,
 *    v = f(x), v' = f'(x) x', with f and f' generated from the rule table
 *    (_kernels.h, written by dualdiff/kernels.py). It returns None where the
 *    Python path must decide.
 *
 * Build with -ffp-contract=off (setup.py): a fused multiply-add would round
 * differently from Python's separate * and +.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>

typedef struct {
    PyObject_HEAD
    PyObject *primal;
    PyObject *tangent;
    PyObject *tag;
} DualObject;

#define D(o) ((DualObject *)(o))

/* dualdiff.Dual itself (set by install): results are made of this type. */
static PyTypeObject *DualType = NULL;

enum { ADD, RADD, SUB, RSUB, MUL, RMUL, DIVIDE, RDIVIDE, POWER, RPOWER, NEG, N_FALLBACKS };
static const char *FALLBACK_NAMES[N_FALLBACKS] = {
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
    "__truediv__", "__rtruediv__", "__pow__", "__rpow__", "__neg__",
};
static PyObject *fallbacks[N_FALLBACKS];

/* ---- the Dual's slots -------------------------------------------------------- */

static int
dual_traverse(DualObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->primal);
    Py_VISIT(self->tangent);
    Py_VISIT(self->tag);
    return 0;
}

static int
dual_clear(DualObject *self)
{
    Py_CLEAR(self->primal);
    Py_CLEAR(self->tangent);
    Py_CLEAR(self->tag);
    return 0;
}

static void
dual_dealloc(DualObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    dual_clear(self);
    type->tp_free((PyObject *)self);
}

static PyMemberDef dual_members[] = {
    {"primal", T_OBJECT_EX, offsetof(DualObject, primal), 0,
     "The value: a float, a NumPy array or (nested) a Dual."},
    {"tangent", T_OBJECT_EX, offsetof(DualObject, tangent), 0,
     "The directional derivative(s): the primal's shape, or a leading directions axis more."},
    {"tag", T_OBJECT_EX, offsetof(DualObject, tag), 0,
     "The level of differentiation this Dual belongs to (nested derivatives)."},
    {NULL},
};

/* ---- building results ------------------------------------------------------------ */

static PyObject *
make(double primal, PyObject *tangent /* stolen */, PyObject *tag)
{
    DualObject *r;
    if (tangent == NULL)
        return NULL;
    r = (DualObject *)DualType->tp_alloc(DualType, 0);
    if (r == NULL) {
        Py_DECREF(tangent);
        return NULL;
    }
    r->primal = PyFloat_FromDouble(primal);
    r->tangent = tangent;
    Py_INCREF(tag);
    r->tag = tag;
    if (r->primal == NULL) {
        Py_DECREF(r);
        return NULL;
    }
    return (PyObject *)r;
}

static PyObject *
make2(double primal, double tangent, PyObject *tag)
{
    return make(primal, PyFloat_FromDouble(tangent), tag);
}

/* A Dual on the fast path: exactly dualdiff.Dual, float primal and tangent. */
static inline int
is_fast(PyObject *o)
{
    return Py_TYPE(o) == DualType && PyFloat_CheckExact(D(o)->primal)
        && PyFloat_CheckExact(D(o)->tangent);
}

#define P(o) PyFloat_AS_DOUBLE(D(o)->primal)
#define T(o) PyFloat_AS_DOUBLE(D(o)->tangent)

/* A Python float or int (not bool) as a double, as float arithmetic converts it. */
static inline int
as_constant(PyObject *o, double *c)
{
    if (PyFloat_CheckExact(o)) {
        *c = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    if (PyLong_CheckExact(o)) {
        *c = PyLong_AsDouble(o);
        if (*c == -1.0 && PyErr_Occurred()) {  /* too large: Python raises it */
            PyErr_Clear();
            return 0;
        }
        return 1;
    }
    return 0;
}

/* ---- the Python methods, for everything but the fast path ---------------------------
 * The same order as CPython's slot for a class defining __op__ and __rop__ in
 * Python (SLOT1BINFULL in typeobject.c), so subclasses (the traced Dual) see
 * the calls they would see without this module.
 */
#define HAS_SLOT(o, field, slot) \
    (Py_TYPE(o)->tp_as_number != NULL && (void *)Py_TYPE(o)->tp_as_number->field == (void *)(slot))

static PyObject *
fallback(int op, int rop, PyObject *a, PyObject *b, int a_has, int b_has)
{
    PyObject *r;
    int do_other = !Py_IS_TYPE(a, Py_TYPE(b)) && b_has;
    if (a_has) {
        if (do_other && PyType_IsSubtype(Py_TYPE(b), Py_TYPE(a))) {
            r = PyObject_CallFunctionObjArgs(fallbacks[rop], b, a, NULL);
            if (r != Py_NotImplemented)
                return r;
            Py_DECREF(r);
            do_other = 0;
        }
        r = PyObject_CallFunctionObjArgs(fallbacks[op], a, b, NULL);
        if (r != Py_NotImplemented || Py_IS_TYPE(b, Py_TYPE(a)))
            return r;
        Py_DECREF(r);
    }
    if (do_other)
        return PyObject_CallFunctionObjArgs(fallbacks[rop], b, a, NULL);
    Py_RETURN_NOTIMPLEMENTED;
}

#define FALLBACK(op, rop, field, slot) \
    fallback(op, rop, a, b, HAS_SLOT(a, field, slot), HAS_SLOT(b, field, slot))

/* ---- + - * / ------------------------------------------------------------------ */

static PyObject *
dual_add(PyObject *a, PyObject *b)
{
    double c;
    if (is_fast(a)) {
        if (is_fast(b)) {
            if (D(a)->tag == D(b)->tag)
                return make2(P(a) + P(b), T(a) + T(b), D(a)->tag);
        }
        else if (as_constant(b, &c)) {
            Py_INCREF(D(a)->tangent);
            return make(P(a) + c, D(a)->tangent, D(a)->tag);
        }
    }
    else if (is_fast(b) && as_constant(a, &c)) {
        Py_INCREF(D(b)->tangent);
        return make(c + P(b), D(b)->tangent, D(b)->tag);
    }
    return FALLBACK(ADD, RADD, nb_add, dual_add);
}

static PyObject *
dual_subtract(PyObject *a, PyObject *b)
{
    double c;
    if (is_fast(a)) {
        if (is_fast(b)) {
            if (D(a)->tag == D(b)->tag)
                return make2(P(a) - P(b), T(a) - T(b), D(a)->tag);
        }
        else if (as_constant(b, &c)) {
            Py_INCREF(D(a)->tangent);
            return make(P(a) - c, D(a)->tangent, D(a)->tag);
        }
    }
    else if (is_fast(b) && as_constant(a, &c))
        return make2(c - P(b), -T(b), D(b)->tag);
    return FALLBACK(SUB, RSUB, nb_subtract, dual_subtract);
}

static PyObject *
dual_multiply(PyObject *a, PyObject *b)
{
    double c;
    if (is_fast(a)) {
        if (is_fast(b)) {
            if (D(a)->tag == D(b)->tag)
                return make2(P(a) * P(b), T(a) * P(b) + P(a) * T(b), D(a)->tag);
        }
        else if (as_constant(b, &c))
            return make2(P(a) * c, T(a) * c, D(a)->tag);
    }
    else if (is_fast(b) && as_constant(a, &c))
        return make2(c * P(b), c * T(b), D(b)->tag);
    return FALLBACK(MUL, RMUL, nb_multiply, dual_multiply);
}

static PyObject *
dual_true_divide(PyObject *a, PyObject *b)
{
    double c, v;
    /* A zero divisor goes to Python, which raises DomainError. */
    if (is_fast(a)) {
        if (is_fast(b)) {
            if (D(a)->tag == D(b)->tag && P(b) != 0.0) {
                v = P(a) / P(b);
                return make2(v, (T(a) - v * T(b)) / P(b), D(a)->tag);
            }
        }
        else if (as_constant(b, &c) && c != 0.0)
            return make2(P(a) / c, T(a) / c, D(a)->tag);
    }
    else if (is_fast(b) && as_constant(a, &c) && P(b) != 0.0) {
        v = c / P(b);
        return make2(v, -v * T(b) / P(b), D(b)->tag);
    }
    return FALLBACK(DIVIDE, RDIVIDE, nb_true_divide, dual_true_divide);
}

/* ---- ** -------------------------------------------------------------------------- */

static int
is_odd_integer(double x)
{
    return fmod(fabs(x), 2.0) == 1.0;
}

/* Python's float ** float for finite a and b (CPython's float_pow); 0 where
 * Python raises (0 ** negative, an overflow) or returns a complex number
 * (a negative base with a fractional exponent). */
static int
python_pow(double a, double b, double *result)
{
    int negate = 0;
    double r;
    if (b == 0.0) {
        *result = 1.0;
        return 1;
    }
    if (a == 0.0) {
        if (b < 0.0)
            return 0;
        *result = is_odd_integer(b) ? a : 0.0;
        return 1;
    }
    if (a < 0.0) {
        if (b != floor(b))
            return 0;
        a = -a;
        negate = is_odd_integer(b);
    }
    if (a == 1.0) {
        *result = negate ? -1.0 : 1.0;
        return 1;
    }
    r = pow(a, b);
    if (!isfinite(r))
        return 0;
    *result = negate ? -r : r;
    return 1;
}

static PyObject *
dual_power(PyObject *a, PyObject *b, PyObject *modulus)
{
    double c, p, v, d;
    if (modulus != Py_None)
        Py_RETURN_NOTIMPLEMENTED;
    if (is_fast(a) && as_constant(b, &c)) {
        /* x ** c for a constant c: v = p ** c, v' = c p ** (c - 1) x', as the
         * Python method computes them; anything unusual goes to the Python method. */
        p = P(a);
        if (isfinite(p) && isfinite(c) && python_pow(p, c, &v)) {
            int ok = 1;
            if (c == 2.0)
                d = 2.0 * p;
            else if (c == 0.0)
                d = 0.0;
            else {
                ok = python_pow(p, c - 1.0, &d);
                d = c * d;
            }
            if (ok && isfinite(d))
                return make2(v, T(a) * d, D(a)->tag);
        }
    }
    return FALLBACK(POWER, RPOWER, nb_power, dual_power);
}

static PyObject *
dual_negative(PyObject *a)
{
    if (is_fast(a))
        return make2(-P(a), -T(a), D(a)->tag);
    return PyObject_CallOneArg(fallbacks[NEG], a);
}

static PyNumberMethods dual_as_number = {
    .nb_add = dual_add,
    .nb_subtract = dual_subtract,
    .nb_multiply = dual_multiply,
    .nb_true_divide = dual_true_divide,
    .nb_power = dual_power,
    .nb_negative = (unaryfunc)dual_negative,
};

static PyTypeObject DualBaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "dualdiff._speedups.DualBase",
    .tp_doc = PyDoc_STR("The compiled base of dualdiff.Dual: its slots and float arithmetic."),
    .tp_basicsize = sizeof(DualObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)dual_dealloc,
    .tp_traverse = (traverseproc)dual_traverse,
    .tp_clear = (inquiry)dual_clear,
    .tp_members = dual_members,
    .tp_as_number = &dual_as_number,
};

/* ---- one-argument kernels ---------------------------------------------------------- */

typedef struct {
    const char *name;
    int (*function)(double x, double *value, double *partial);
} Kernel;

static inline double
checked(double r, int *bad)
{
    if (!isfinite(r))
        *bad = 1;
    return r;
}

static inline double
divided(double a, double b, int *bad)
{
    if (b == 0.0) {
        *bad = 1;
        return 0.0;
    }
    return a / b;
}

static inline double
powered(double a, double b, int *bad)
{
    double r = 0.0;
    if (!isfinite(a) || !isfinite(b) || !python_pow(a, b, &r))
        *bad = 1;
    return r;
}

#define CALL(e) checked((e), &bad)
#define DIV(a, b) divided((a), (b), &bad)
#define POW(a, b) powered((a), (b), &bad)

/* One kernel: v = value, d = partial (both may use x; the partial also v). */
#define KERNEL(name, value_expression, partial_expression)                  \
    static int kernel_##name(double x, double *value, double *partial)     \
    {                                                                       \
        int bad = 0;                                                        \
        double v = (value_expression), d;                                   \
        if (!isfinite(v))                                                   \
            return 0;                                                       \
        d = (partial_expression);                                           \
        *value = v;                                                         \
        *partial = d;                                                       \
        return !bad && isfinite(d);                                         \
    }
#include "_kernels.h"

typedef struct {
    PyObject_HEAD
    const Kernel *kernel;
} KernelObject;

static PyTypeObject KernelType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "dualdiff._speedups.Kernel",
    .tp_basicsize = sizeof(KernelObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

/* v = f(p), v' = f'(p) p' on a Dual with a float primal; None to leave it to Python. */
static PyObject *
chain(PyObject *self, PyObject *x)
{
    double p, v, d;
    PyObject *t;
    if (Py_TYPE(x) != DualType || !PyFloat_CheckExact(D(x)->primal))
        Py_RETURN_NONE;
    p = PyFloat_AS_DOUBLE(D(x)->primal);
    if (!isfinite(p) || !((KernelObject *)self)->kernel->function(p, &v, &d))
        Py_RETURN_NONE;
    t = D(x)->tangent;
    if (PyFloat_CheckExact(t))
        return make2(v, PyFloat_AS_DOUBLE(t) * d, D(x)->tag);
    else {
        /* a directions axis (an array tangent): tangent * d, as in Python */
        PyObject *partial = PyFloat_FromDouble(d);
        if (partial == NULL)
            return NULL;
        t = PyNumber_Multiply(t, partial);
        Py_DECREF(partial);
        return make(v, t, D(x)->tag);
    }
}

static PyMethodDef chain_def = {
    "chain", chain, METH_O,
    PyDoc_STR("chain(x): the kernel's v = f(x), v' = f'(x) x' on a float Dual, or None."),
};

static PyObject *
kernel(PyObject *module, PyObject *name)
{
    const Kernel *k;
    const char *wanted = PyUnicode_AsUTF8(name);
    if (wanted == NULL)
        return NULL;
    for (k = KERNELS; k->name != NULL; k++) {
        if (strcmp(k->name, wanted) == 0) {
            KernelObject *holder = PyObject_New(KernelObject, &KernelType);
            PyObject *function;
            if (holder == NULL)
                return NULL;
            holder->kernel = k;
            function = PyCFunction_New(&chain_def, (PyObject *)holder);
            Py_DECREF(holder);
            return function;
        }
    }
    Py_RETURN_NONE;
}

static PyObject *
kernel_names(PyObject *module, PyObject *unused)
{
    const Kernel *k;
    PyObject *names = PyList_New(0);
    if (names == NULL)
        return NULL;
    for (k = KERNELS; k->name != NULL; k++) {
        PyObject *name = PyUnicode_FromString(k->name);
        if (name == NULL || PyList_Append(names, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(names);
            return NULL;
        }
        Py_DECREF(name);
    }
    return names;
}

/* new(primal, tangent, tag): a Dual without validation (dual._new, in C). */
static PyObject *
new_dual(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    DualObject *r;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "new() takes exactly 3 arguments (primal, tangent, tag)");
        return NULL;
    }
    if (DualType == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "new() before install()");
        return NULL;
    }
    r = (DualObject *)DualType->tp_alloc(DualType, 0);
    if (r == NULL)
        return NULL;
    Py_INCREF(args[0]);
    r->primal = args[0];
    Py_INCREF(args[1]);
    r->tangent = args[1];
    Py_INCREF(args[2]);
    r->tag = args[2];
    return (PyObject *)r;
}

/* ---- install -------------------------------------------------------------------- */

static PyObject *
install(PyObject *module, PyObject *args)
{
    PyObject *type, *methods;
    int i;
    if (!PyArg_ParseTuple(args, "O!O!:install", &PyType_Type, &type, &PyDict_Type, &methods))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)type, &DualBaseType)) {
        PyErr_SetString(PyExc_TypeError, "install() needs a subclass of DualBase");
        return NULL;
    }
    for (i = 0; i < N_FALLBACKS; i++) {
        PyObject *method = PyDict_GetItemString(methods, FALLBACK_NAMES[i]);
        if (method == NULL || !PyCallable_Check(method)) {
            PyErr_Format(PyExc_TypeError, "install() needs the method %s", FALLBACK_NAMES[i]);
            return NULL;
        }
    }
    for (i = 0; i < N_FALLBACKS; i++) {
        PyObject *method = PyDict_GetItemString(methods, FALLBACK_NAMES[i]);
        Py_INCREF(method);
        Py_XSETREF(fallbacks[i], method);
    }
    Py_INCREF(type);
    Py_XSETREF(DualType, (PyTypeObject *)type);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"install", install, METH_VARARGS,
     PyDoc_STR("install(Dual, methods): the class whose float values take the fast path, "
               "and its Python methods named in METHODS (__add__, ...) for every other case.")},
    {"new", (PyCFunction)(void (*)(void))new_dual, METH_FASTCALL,
     PyDoc_STR("new(primal, tangent, tag): a Dual without validation (the hot path's constructor).")},
    {"kernel", kernel, METH_O,
     PyDoc_STR("kernel(name): the compiled chain rule of the rule called name, or None.")},
    {"kernel_names", kernel_names, METH_NOARGS,
     PyDoc_STR("The rules that have a compiled kernel.")},
    {NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT, "dualdiff._speedups",
    PyDoc_STR("The compiled float fast path of dualdiff's Dual (optional)."), -1, module_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyObject *module;
    if (PyType_Ready(&DualBaseType) < 0 || PyType_Ready(&KernelType) < 0)
        return NULL;
    module = PyModule_Create(&speedups_module);
    if (module == NULL)
        return NULL;
    {
        PyObject *names = PyTuple_New(N_FALLBACKS);
        int i;
        if (names == NULL) {
            Py_DECREF(module);
            return NULL;
        }
        for (i = 0; i < N_FALLBACKS; i++) {
            PyObject *name = PyUnicode_FromString(FALLBACK_NAMES[i]);
            if (name == NULL) {
                Py_DECREF(names);
                Py_DECREF(module);
                return NULL;
            }
            PyTuple_SET_ITEM(names, i, name);
        }
        if (PyModule_AddObject(module, "METHODS", names) < 0) {
            Py_DECREF(names);
            Py_DECREF(module);
            return NULL;
        }
    }
    Py_INCREF(&DualBaseType);
    if (PyModule_AddObject(module, "DualBase", (PyObject *)&DualBaseType) < 0) {
        Py_DECREF(&DualBaseType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
