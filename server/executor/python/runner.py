# The Python side of a Rulebox Python worker. Run once per interpreter at worker start (before the
# clean-state snapshot); the last expression is `run_one`, which the worker calls for every run.
#
# Two jobs, and why both:
#  1. Escape: a rule must never reach the host (`js`, `pyodide`, the emscripten FS, `sys`). Python
#     has no in-process boundary of its own, so the rule's code is rewritten before it is compiled
#     (a RestrictedPython-style AST transform, here in ~200 lines because it only has to do what
#     this policy needs): attribute names beginning with "_" and frame/code/generator internals are
#     refused at compile time where they are written literally, every attribute read goes through
#     `__rbx_getattr__` (module members, non-allowlisted modules, str.format), imports go through
#     an allowlist, and builtins are a curated dict. This holds without the static check.
#  2. Isolation per run: nothing one run does may be visible to the next. That is NOT done here:
#     the worker restores the interpreter's whole linear memory to the snapshot taken after this
#     file ran (python-worker.ts). Module attributes, builtins, sys, class attributes, the decimal
#     context, random's state and every cache come back bit for bit, whatever the rule changed.
#     So this file only has to keep its own result honest for the current run.
# Policy data (allowed modules, blocked names) comes from server/analysis/python/policy.json,
# the same file the editor's analyzer reads.
#
# Everything below is built inside one factory, _build_runner, and what the worker calls (run_one,
# prepare) and what rules call (the guards in their builtins) are closures over its locals: no
# function made here looks up a module global or a builtin by name when it runs, and the tables
# are frozensets and read-only mappings. A write into this file's module namespace (Pyodide's
# __main__: enum.global_enum once wrote an enum's members there, replacing a guard's helper, third
# adversarial pass) changes nothing the runner does. _self_test checks that at load.


# The packages that bridge Python to JavaScript (Pyodide's FFI and the modules it registers):
# removed from the import system once the runner is built (the end of _build_runner says why).
_JS_BRIDGES = frozenset({"js", "pyodide_js", "pyodide", "_pyodide", "_pyodide_core", "micropip", "pyodide_http"})


def _build_runner(policy_json, js_bridges):
    # Every builtin the functions below use, as a local of this factory, so they read it as a
    # closure cell, never through the module's globals (where a written name would shadow it).
    import builtins as _builtins

    (AttributeError, BaseException, Exception, ImportError, KeyboardInterrupt, MemoryError, NameError,
     RecursionError, SyntaxError, TypeError, ValueError) = (
        _builtins.AttributeError, _builtins.BaseException, _builtins.Exception, _builtins.ImportError,
        _builtins.KeyboardInterrupt, _builtins.MemoryError, _builtins.NameError, _builtins.RecursionError,
        _builtins.SyntaxError, _builtins.TypeError, _builtins.ValueError)
    (compile, delattr, dict, dir, enumerate, exec, getattr, hasattr, isinstance, issubclass, iter, len, list, max,
     next, object, setattr, sorted, str, tuple, type, vars) = (
        _builtins.compile, _builtins.delattr, _builtins.dict, _builtins.dir, _builtins.enumerate, _builtins.exec, _builtins.getattr,
        _builtins.hasattr, _builtins.isinstance, _builtins.issubclass, _builtins.iter, _builtins.len,
        _builtins.list, _builtins.max, _builtins.next, _builtins.object, _builtins.setattr, _builtins.sorted,
        _builtins.str, _builtins.tuple, _builtins.type, _builtins.vars)
    (frozenset, id, RuntimeError) = (_builtins.frozenset, _builtins.id, _builtins.RuntimeError)  # fifth pass
    (any, int) = (_builtins.any, _builtins.int)  # sixth pass

    import ast
    import functools as _functools
    import json
    import random as _random
    import signal as _signal
    import string as _string
    import sys
    import traceback
    import types
    import typing as _typing

    _ReadOnly = types.MappingProxyType
    _JS_SUBMODULES = frozenset({"pyodide.ffi", "pyodide.code", "pyodide.http", "pyodide.console", "pyodide.webloop", "_pyodide._base", "_pyodide._core_docs", "_pyodide._importhook"})
    POLICY = json.loads(policy_json)

    ALLOWED_MODULES = frozenset(m["name"] for m in POLICY["allowedModules"])
    ALLOWED_TEXT = ", ".join(sorted(ALLOWED_MODULES))
    BLOCKED_ATTRIBUTE_NAMES = frozenset(POLICY["blockedAttributes"]["names"])
    ALLOWED_UNDERSCORE_ATTRIBUTES = frozenset(POLICY["blockedAttributes"]["exceptNames"])
    BLOCKED_MEMBERS = _ReadOnly({(m["object"], m["name"]): m["message"] for m in POLICY["blockedMembers"]})
    BLOCKED_EXCEPTIONS = frozenset(POLICY["blockedExceptions"]["names"])
    BLOCKED_BUILTINS = {b["name"]: b["message"].replace("{allowed}", ALLOWED_TEXT) for b in POLICY["blockedBuiltins"]}
    RULE_FILENAME = "<rule>"
    MAX_FRAMES = 20
    MAX_ERROR_NAME = 200
    MAX_ERROR_MESSAGE = 4000
    MAX_LOG_ENTRIES = 10000

    # Preload every allowlisted module now, so an import in a rule costs a dict lookup.
    for _name in sorted(ALLOWED_MODULES):
        __import__(_name)
    MODULES = {name: sys.modules[name] for name in ALLOWED_MODULES}
    import keyword as _keyword  # noqa: E402

    try:
        import annotationlib as _annotationlib  # noqa: E402  (Python 3.14)
    except ImportError:  # pragma: no cover - older interpreters
        _annotationlib = None

    # dataclasses writes the source of the methods it adds with the field names pasted in, and runs
    # it with exec() and the real builtins: a field named "__class__ and __import__('os')..." (made
    # through type(name, bases, {"__annotations__": {...}})) ran as code (second adversarial pass,
    # 2026-12-08). Rules get dataclasses with a `dataclass` that admits only identifier field names,
    # from the class's own annotations and every dataclass base, and pins the annotations it checked.
    _real_dataclass = sys.modules["dataclasses"].dataclass
    _DataclassField = sys.modules["dataclasses"].Field

    def _check_field_name(name):
        if type(name) is not str or not name.isidentifier() or _keyword.iskeyword(name):
            raise TypeError("dataclass field names must be identifiers, not %r" % (name,))
        # Fifth pass: nor names a rule could not read itself (asdict/replace read every field by name).
        if name.startswith("_") or name in BLOCKED_ATTRIBUTE_NAMES:
            raise TypeError("dataclass field names cannot begin with an underscore or be a refused attribute, not %r" % (name,))

    # Sixth adversarial pass (2026-12-08): checking the names before dataclass() is not enough, since
    # what dataclasses pastes into its source is whatever it reads afterwards (a metaclass property
    # swallowed the pin and added a field; a rule object passing isinstance(x, Field) answers `.name`
    # as it likes). The chokepoint is the source itself: dataclasses builds every method it adds with
    # one _FuncBuilder and exec()s it in add_fns_to_class. The real module's _FuncBuilder is replaced
    # by one that parses that source first and runs it only if it has the shape dataclasses writes:
    # only the node kinds it uses, no global name but type/super/hash/NotImplemented, calls only of
    # its own helpers, and every identifier and string outside an f-string's text one of its fixed
    # dunders or a public, non-refused identifier (what _check_field_name admits).
    _dc_module = sys.modules["dataclasses"]
    _RealFuncBuilder = _dc_module._FuncBuilder
    _DC_FIXED_NAMES = frozenset({
        "__create_fn__", "__init__", "__repr__", "__eq__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__",
        "__setattr__", "__delattr__", "__class__", "__qualname__", "__post_init__", "__dataclass_self__",
        "__dataclass_HAS_DEFAULT_FACTORY__", "__dataclass_builtins_object__", "__dataclasses_recursive_repr",
    })
    _DC_GLOBALS = frozenset({"type", "super", "hash", "NotImplemented"})
    _DC_CALLED_NAMES = frozenset({"hash", "super", "type", "FrozenInstanceError", "__dataclasses_recursive_repr"})
    _DC_CALLED_ATTRIBUTES = frozenset({"__setattr__", "__delattr__", "__post_init__"})
    _DC_NODES = frozenset({
        ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.If, ast.Raise, ast.Expr, ast.Assign,
        ast.Pass, ast.Compare, ast.BoolOp, ast.IfExp, ast.Name, ast.Attribute, ast.Call, ast.Constant, ast.Tuple,
        ast.Set, ast.JoinedStr, ast.FormattedValue, ast.Load, ast.Store, ast.And, ast.Or, ast.Eq, ast.Is, ast.In,
        ast.Lt, ast.LtE, ast.Gt, ast.GtE,
    })

    def _public_name(name):
        return (type(name) is str and name.isidentifier() and not _keyword.iskeyword(name)
                and not name.startswith("_") and name not in BLOCKED_ATTRIBUTE_NAMES)

    def _dc_source_name(name):
        if type(name) is not str:
            return False
        if name in _DC_FIXED_NAMES or _public_name(name):
            return True
        return name.startswith("__dataclass_dflt_") and name.endswith("__") and _public_name(name[17:-2])

    def _check_dataclass_source(text):
        """Refuses (TypeError) source that is not of the shape dataclasses writes for checked fields."""
        def refuse(what):
            raise TypeError("dataclass() refused the methods it generated (%s): field names must be public identifiers" % what)

        tree = ast.parse(text)
        if len(tree.body) != 1 or type(tree.body[0]) is not ast.FunctionDef or tree.body[0].name != "__create_fn__":
            refuse("not one function")
        pending = [(tree, frozenset(), False)]
        while pending:
            node, scope, in_fstring = pending.pop()
            kind = type(node)
            if kind not in _DC_NODES:
                refuse(kind.__name__)
            if kind is ast.FunctionDef:
                a = node.args
                if a.vararg is not None or a.kwarg is not None or a.posonlyargs or node.returns is not None or node.type_params:
                    refuse("a signature")
                for default in a.defaults + [d for d in a.kw_defaults if d is not None]:
                    # Defaults are the helpers __create_fn__ takes: `x=__dataclass_dflt_x__`.
                    if type(default) is not ast.Name or not default.id.startswith("__dataclass_"):
                        refuse("a default")
                    pending.append((default, scope, False))
                if not _dc_source_name(node.name):
                    refuse("a function name")
                inner = (scope | frozenset(x.arg for x in a.args) | frozenset(x.arg for x in a.kwonlyargs)
                         | frozenset(x.name for x in node.body if type(x) is ast.FunctionDef))
                pending.extend((d, scope, False) for d in node.decorator_list)
                pending.extend((x, inner, False) for x in a.args)
                pending.extend((x, inner, False) for x in a.kwonlyargs)
                pending.extend((x, inner, False) for x in node.body)
                continue
            if kind is ast.arg:
                if node.annotation is not None or not _dc_source_name(node.arg):
                    refuse("a parameter")
                continue
            if kind is ast.Name:
                if type(node.ctx) is not ast.Load or not _dc_source_name(node.id):
                    refuse("a name")
                if node.id not in scope and node.id not in _DC_GLOBALS:
                    refuse("the global name %r" % (node.id[:60],))
                continue
            if kind is ast.Attribute:
                if not _dc_source_name(node.attr):
                    refuse("an attribute")
            elif kind is ast.Call:
                func = node.func
                if node.keywords:
                    refuse("a keyword argument")
                if type(func) is ast.Name:
                    if func.id not in _DC_CALLED_NAMES and not func.id.startswith("__dataclass_dflt_"):
                        refuse("a call")
                elif type(func) is not ast.Attribute or func.attr not in _DC_CALLED_ATTRIBUTES:
                    refuse("a call")
            elif kind is ast.Assign:
                if any(type(t) is not ast.Attribute for t in node.targets):
                    refuse("an assignment")
            elif kind is ast.Constant:
                value = node.value
                if type(value) is str:
                    if not in_fstring and not _public_name(value):
                        refuse("a string")
                elif not (value is None or value is True or value is False):
                    refuse("a constant")
                continue
            elif kind is ast.FormattedValue:
                if node.format_spec is not None:
                    refuse("a format spec")
                pending.append((node.value, scope, False))
                continue
            fstring = kind is ast.JoinedStr
            pending.extend((child, scope, fstring) for child in ast.iter_child_nodes(node))

    class _CheckedFuncBuilder(_RealFuncBuilder):
        def add_fns_to_class(self, cls):
            names = self.names
            text = "def __create_fn__(%s):\n%s\n return %s" % (
                ",".join(self.locals.keys()), "\n".join(self.src),
                "()" if len(names) == 0 else "(%s,)" % ",".join(names))
            for name in self.locals.keys():
                if not _dc_source_name(name) and name not in ("cls", "FrozenInstanceError"):
                    raise TypeError("dataclass() refused the methods it generated (a helper name)")
            _check_dataclass_source(text)
            return _RealFuncBuilder.add_fns_to_class(self, cls)

    _dc_module._FuncBuilder = _CheckedFuncBuilder

    def _own_annotations(cls):
        if _annotationlib is not None:
            # VALUE only: FORWARDREF re-runs the class's __annotate__ with fake globals and the real
            # builtins (fifth adversarial pass). An undefined name in an annotation is a NameError.
            annotations = _annotationlib.get_annotations(cls, format=_annotationlib.Format.VALUE)
        else:
            annotations = cls.__dict__.get("__annotations__", {})
        if type(annotations) is not dict:
            raise TypeError("a dataclass's annotations must be a dict")
        return dict(annotations)

    # Sixth pass: what the check reads and what the real dataclass() reads must be one thing. The
    # check reads the class through type's own descriptors (a metaclass cannot answer them), and a
    # class whose metaclass (one a rule made: not type, ABCMeta, EnumType or typing's) defines
    # anything but a few creation hooks is refused, so dataclasses' plain attribute reads
    # (cls.__mro__, cls.__dict__, getattr(b, "__dataclass_fields__"), setattr(cls, ...)) see the same.
    _type_annotations_set = type.__dict__["__annotations__"].__set__
    _METACLASS_KEYS = frozenset({"__module__", "__doc__", "__qualname__", "__firstlineno__", "__static_attributes__",
                                 "__classcell__", "__classdictcell__", "__new__", "__init__", "__call__", "__prepare__",
                                 "__repr__", "__str__", "__init_subclass__", "__instancecheck__", "__subclasscheck__"})
    _METACLASS_DATA_KEYS = frozenset({"__module__", "__doc__", "__qualname__", "__firstlineno__", "__static_attributes__"})

    def _check_metaclass(c):
        trusted = _TRUSTED_METACLASSES
        for klass in _type_mro(type(c)):
            if id(klass) in trusted and trusted[id(klass)] is klass:
                continue
            namespace = _type_dict(klass)
            for key in namespace:
                if type(key) is not str or not (key.startswith("__") and key.endswith("__")):
                    continue
                value = namespace[key]
                if key not in _METACLASS_KEYS or (key in _METACLASS_DATA_KEYS and type(value) not in (str, int, tuple, type(None))):
                    raise TypeError("dataclass() does not take a class whose metaclass defines `%s`" % (key,))

    def _guarded_dataclass(cls=None, /, **kwargs):
        def wrap(c):
            if not isinstance(c, type):
                raise TypeError("dataclass() takes a class")
            _check_metaclass(c)
            for base in _type_mro(c)[1:]:
                fields = _type_dict(base).get("__dataclass_fields__")
                if fields is None:
                    continue
                if type(fields) is not dict:
                    raise TypeError("a dataclass base's fields must be a dict")
                _registered_dataclass(base)  # one this dataclass() made (fifth pass), or TypeError
                for key, field in fields.items():
                    if type(field) is not _DataclassField:
                        raise TypeError("a dataclass base's fields must be dataclasses.Field")
                    _check_field_name(key)
                    _check_field_name(field.name)
            annotations = _own_annotations(c)
            for name, annotation in annotations.items():
                if name == "_" and annotation is _KW_ONLY:
                    continue  # the `_: KW_ONLY` marker, not a field
                _check_field_name(name)
            # What dataclasses reads next is exactly what was checked (no second __annotate__ call),
            # written with type's own setter (an attribute write went to a metaclass property).
            _type_annotations_set(c, annotations)
            return _register_dataclass(_real_dataclass(c, **kwargs))

        return wrap if cls is None else wrap(cls)

    def _shadow_module(module, overrides):
        """A copy of a module's namespace with some members replaced: what rules import instead."""
        shadow = types.ModuleType(module.__name__, module.__doc__)
        shadow.__dict__.update(vars(module))
        shadow.__dict__.update(overrides)
        return shadow

    MODULES["dataclasses"] = _shadow_module(MODULES["dataclasses"], {"dataclass": _guarded_dataclass})
    MODULES = _ReadOnly(MODULES)

    def _clip(text, limit):
        return text if len(text) <= limit else text[:limit] + "… (%d more characters)" % (len(text) - limit)

    class PolicyViolation(Exception):
        """A rule used a name the policy refuses; carries the position in the rule's source."""

        def __init__(self, message, node=None):
            Exception.__init__(self, message)
            self.line = getattr(node, "lineno", 1) or 1
            self.column = (getattr(node, "col_offset", 0) or 0) + 1

    def _attribute_blocked(name):
        if name.startswith("_"):
            return name not in ALLOWED_UNDERSCORE_ATTRIBUTES
        return name in BLOCKED_ATTRIBUTE_NAMES

    def _attribute_message(name):
        return "`.%s` is not available in a rule: attributes beginning with an underscore, and frame, code and generator internals, reach outside the sandbox" % name

    # ---------------------------------------------------------------------------------------------
    # Run-time guards (installed in every rule's builtins).
    _ModuleType = types.ModuleType
    _hidden_types = (types.FrameType, types.CodeType, types.TracebackType)
    _real_getattr = getattr
    _real_hasattr = hasattr
    _real_setattr = setattr
    _real_delattr = delattr

    class _SafeFormatter(_string.Formatter):
        """str.format with the field lookup ({0.attr}) going through the same attribute guard."""

        def get_field(self, field_name, args, kwargs):
            first, rest = _string_field_split(field_name)
            obj = self.get_value(first, args, kwargs)
            for is_attr, key in rest:
                obj = guarded_getattr(obj, key) if is_attr else obj[key]
            return obj, first

    import _string as _string_internal  # noqa: E402  (the C helper string.Formatter itself uses)

    _string_field_split = _string_internal.formatter_field_name_split
    _formatter = _SafeFormatter()

    def _safe_format(template, /, *args, **kwargs):
        if not isinstance(template, str):
            raise TypeError("format() needs a str")
        return _formatter.vformat(template, args, kwargs)

    def _safe_format_map(template, mapping, /):
        if not isinstance(template, str):
            raise TypeError("format_map() needs a str")
        return _formatter.vformat(template, (), mapping)

    _NO_DEFAULT = object()
    # A module's name from its real namespace (a ModuleType subclass may redefine __name__ or __dict__).
    _module_namespace = _ModuleType.__dict__["__dict__"].__get__

    def _module_name(module):
        return _module_namespace(module).get("__name__")

    _ForwardRef = _typing.ForwardRef
    _str_format = str.format
    _str_format_map = str.format_map
    _BuiltinMethod = types.BuiltinMethodType
    # Exception attributes that hold an object C code looked at rather than what the rule raised.
    _EXCEPTION_REFUSED = frozenset({"obj"})

    def guarded_getattr(obj, name, default=_NO_DEFAULT, /):
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if _attribute_blocked(name):
            raise AttributeError(_attribute_message(name))
        # isinstance, not `type(obj) is`: copy's reconstruct can set a module's __class__ to a rule's
        # own ModuleType subclass (fourth adversarial pass).
        if isinstance(obj, _ModuleType):
            # By the module object's identity, never its (writable) __name__ (fifth pass).
            message = BLOCKED_MEMBERS.get((_module_identity(obj), name))
            if message is not None:
                raise AttributeError(message)
        _check_alias(obj)
        if isinstance(obj, _ForwardRef) or (isinstance(obj, type) and issubclass(obj, _ForwardRef)):
            # A ForwardRef's evaluate() runs its string with eval() and the real builtins (Python
            # 3.14; `typing.List["..."]` makes one): nothing on it is for rules.
            raise AttributeError("A forward reference (a string in a type) cannot be used in a rule")
        # AttributeError.obj (3.10+) is the object a failed lookup looked at, in C too: whatever C
        # code walked to for the rule (seventh pass). Refused on every exception and exception class.
        if name in _EXCEPTION_REFUSED and (isinstance(obj, BaseException) or (isinstance(obj, type) and issubclass(obj, BaseException))):
            raise AttributeError("`.%s` of an exception is not available in a rule: it is the object the failed lookup looked at" % name)
        if name == "format" or name == "format_map":
            if obj is str or (isinstance(obj, type) and issubclass(obj, str)):
                return _safe_format if name == "format" else _safe_format_map
            if isinstance(obj, str):
                return _functools.partial(_safe_format if name == "format" else _safe_format_map, obj)
        try:
            value = _real_getattr(obj, name)
        except AttributeError:
            if default is _NO_DEFAULT:
                raise
            return default
        # By value too: str.format reached any other way (super(), a subclass's class attribute)
        # is the guarded one. Its field lookup ({0.attr}) would read any attribute.
        if value is _str_format:
            return _safe_format
        if value is _str_format_map:
            return _safe_format_map
        if type(value) is _BuiltinMethod and value.__name__ in ("format", "format_map") and isinstance(value.__self__, str):
            return _functools.partial(_safe_format if value.__name__ == "format" else _safe_format_map, value.__self__)
        if isinstance(value, _ModuleType):
            module_name = _module_identity(value)
            if module_name is None:
                raise AttributeError("`%s` is a module a rule cannot use: only %s can be imported" % (_module_name(value), ALLOWED_TEXT))
            # The module as rules import it (a shadow without the refused members).
            return MODULES[module_name]
        message = _refused_value_message(value)
        if message is not None:
            raise AttributeError(message)
        if value is type:
            return _GuardedType
        if isinstance(value, _hidden_types):
            raise AttributeError(_attribute_message(name))
        return value

    def guarded_hasattr(obj, name, /):
        try:
            guarded_getattr(obj, name)
            return True
        except AttributeError:
            return False

    def guarded_setattr(obj, name, value, /):
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if _attribute_blocked(name):
            raise AttributeError(_attribute_message(name))
        guarded_write_target(obj, name)
        _real_setattr(obj, name, value)

    def guarded_delattr(obj, name, /):
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if _attribute_blocked(name):
            raise AttributeError(_attribute_message(name))
        guarded_write_target(obj, name)
        _real_delattr(obj, name)

    def _import_refused(message):
        return ImportError(message)

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level != 0:
            raise _import_refused("Relative imports resolve to nothing: a rule is a single file. Only %s can be imported" % ALLOWED_TEXT)
        if type(name) is not str or name not in ALLOWED_MODULES:
            raise _import_refused('"%s" cannot be imported: rules can only import %s' % (name, ALLOWED_TEXT))
        module = MODULES[name]
        if fromlist:
            for item in fromlist:
                if type(item) is not str:
                    raise _import_refused("import names must be strings")
                if item == "*":
                    continue
                if item.startswith("_"):
                    raise _import_refused('"%s" cannot be imported: names beginning with an underscore are private' % item)
                message = BLOCKED_MEMBERS.get((name, item))
                if message is not None:
                    raise _import_refused(message)
                value = _real_getattr(module, item, None)
                if isinstance(value, _ModuleType) and _module_identity(value) is None:
                    raise _import_refused('"%s.%s" cannot be imported: rules can only import %s' % (name, item, ALLOWED_TEXT))
            if "*" in fromlist:
                # `from m import *` copies m.__all__ (or every public name) in C, past the guard:
                # only modules whose star-export holds nothing refused are allowed.
                refused = STAR_REFUSED.get(name)
                if refused:
                    raise _import_refused("`from %s import *` is not available in a rule (it would bring in %s); import the names you use" % (name, refused))
            return module
        return MODULES[name.partition(".")[0]] if "." in name else module

    # ---------------------------------------------------------------------------------------------
    # Fifth adversarial pass (2026-12-08): modules by identity, shadow modules, checked dataclasses,
    # copy and annotationlib. Self-contained: the guards below call into it.
    #
    # A module's refused members were looked up by its writable __name__ (`typing.__name__ = 'x'`
    # freed get_type_hints), and objects that forward attribute reads (types.GenericAlias over a
    # module, enum's descriptor redirect) handed them out from objects that are not modules. So:
    #  - modules are known by identity, fixed here (real and shadow module object -> name);
    #  - rules import shadow modules that simply lack the refused members (and the namespace
    #    dunders: __builtins__, __loader__, __spec__, ...), so no relay finds them;
    #  - the refused values themselves are refused by identity, whatever object hands them out.
    _REAL_MODULES = _ReadOnly({name: sys.modules[name] for name in ALLOWED_MODULES})
    _shadows = {}
    _SHADOW_KEPT_DUNDERS = frozenset({"__name__", "__doc__", "__all__"})
    _KW_ONLY = _REAL_MODULES["dataclasses"].KW_ONLY
    _type_dict = type.__dict__["__dict__"].__get__
    _type_mro = type.__dict__["__mro__"].__get__
    _type_qualname = type.__dict__["__qualname__"].__get__

    def _shadow_without_refused(name, module, overrides):
        refused = {member for (owner, member) in BLOCKED_MEMBERS if owner == name}
        shadow = types.ModuleType(name, module.__doc__)
        namespace = _module_namespace(shadow)
        for key, value in _module_namespace(module).items():
            if key in refused or (key.startswith("__") and key not in _SHADOW_KEPT_DUNDERS):
                continue
            namespace[key] = value
        namespace.update(overrides)
        return shadow

    _MODULE_IDS = {}  # id(module object) -> (module object, allowlisted name): real and shadow modules
    for _name, _module in _REAL_MODULES.items():
        _MODULE_IDS[id(_module)] = (_module, _name)

    def _module_identity(module):
        """The allowlisted name of a real or shadow module object, by identity (never its __name__)."""
        entry = _MODULE_IDS.get(id(module))
        return entry[1] if entry is not None and entry[0] is module else None

    _REFUSED_VALUES = {}  # id(value) -> (value, message): the refused members, wherever they are read
    for (_owner, _member), _message in BLOCKED_MEMBERS.items():
        if _owner in _REAL_MODULES and _real_hasattr(_REAL_MODULES[_owner], _member):
            _value = _real_getattr(_REAL_MODULES[_owner], _member)
            _REFUSED_VALUES[id(_value)] = (_value, _message)

    def _refused_value_message(value):
        entry = _REFUSED_VALUES.get(id(value))
        return entry[1] if entry is not None and entry[0] is value else None

    # types.GenericAlias (`type(list[int])`, which takes any origin) and typing's aliases forward
    # attribute reads to their origin: an alias's attributes are readable only over a real type (or
    # one of typing's special forms), and typing's alias classes only as themselves.
    _GenericAliasType = types.GenericAlias
    _generic_alias_origin = _GenericAliasType.__dict__["__origin__"].__get__
    _TypingAliasBase = _typing._BaseGenericAlias
    _TypingSpecialForm = _typing._SpecialForm
    _TYPING_ALIAS_TYPES = frozenset(
        id(t) for t in vars(_typing).values() if isinstance(t, type) and issubclass(t, _TypingAliasBase)
    )

    def _check_alias(obj):
        t = type(obj)
        if issubclass(t, _GenericAliasType):
            origin = _generic_alias_origin(obj)
        elif issubclass(t, _TypingAliasBase):
            if id(t) not in _TYPING_ALIAS_TYPES:
                raise AttributeError("A subclass of typing's generic aliases has no attributes in a rule")
            origin = _module_namespace_or_none(obj)
        else:
            return
        if not (issubclass(type(origin), type) or type(origin) is _TypingSpecialForm):
            raise AttributeError("A generic alias over %s (not a class) has no attributes in a rule" % type(origin).__name__)

    _typing_alias_dict = _TypingAliasBase.__dict__["__dict__"].__get__

    def _module_namespace_or_none(alias):
        # typing's aliases keep __origin__ in the instance __dict__ (read through typing's own class).
        return _typing_alias_dict(alias).get("__origin__")

    # Writes: a rule cannot change a module's attributes (its __name__ keyed the refused members; its
    # members are what other standard-library code calls), a dataclass Field (its name is what
    # asdict/replace read), or a class that existed before the rule (json.JSONEncoder's separators,
    # typing's internals). `obj.attr = v`, `del obj.attr`, `obj.attr op= v`, setattr and delattr.
    def guarded_write_target(obj, /, name=None):
        """`__rbx_wobj__(obj).attr = v` / `del __rbx_wobj__(obj).attr`: the object a rule writes to."""
        if isinstance(obj, _ModuleType):
            shadow = _module_identity(obj) is not None and MODULES.get(_module_identity(obj)) is obj
            # A rule's own view of a module (its shadow) takes public names; its __name__ (which
            # keyed the refused members) and any module the standard library itself uses, nothing.
            if not shadow or name is None or name.startswith("_"):
                raise AttributeError("A rule cannot change %s of a module" % ("this attribute" if shadow else "the attributes"))
        elif isinstance(obj, _DataclassField):
            raise TypeError("A rule cannot change a dataclass field (asdict/replace read fields by name)")
        elif obj is _GuardedType or obj is _GuardedTypeMeta:
            raise AttributeError("A rule cannot change `type`")
        return obj

    import operator as _operator_real  # noqa: E402  (the real module: the shadow is what rules get)

    _INPLACE_OPERATORS = {
        "Add": _operator_real.iadd, "Sub": _operator_real.isub, "Mult": _operator_real.imul,
        "MatMult": _operator_real.imatmul, "Div": _operator_real.itruediv, "FloorDiv": _operator_real.ifloordiv,
        "Mod": _operator_real.imod, "Pow": _operator_real.ipow, "LShift": _operator_real.ilshift,
        "RShift": _operator_real.irshift, "BitAnd": _operator_real.iand, "BitOr": _operator_real.ior,
        "BitXor": _operator_real.ixor,
    }

    def guarded_augattr(obj, name, op, value, /):
        """`obj.attr op= value`: the read goes through the read guard (a bare AugAssign's LOAD_ATTR
        would hand the raw attribute to the right operand's __radd__), the write through the write guard."""
        guarded_write_target(obj, name)
        guarded_setattr(obj, name, _INPLACE_OPERATORS[op](guarded_getattr(obj, name), value))

    # `type` as rules see it (fifth pass): type(x) and isinstance/issubclass/subclassing as the real
    # one, but a class made at run time (type(name, bases, ns), or calling a rule's metaclass) may not
    # carry dunder names in its namespace other than the special methods a class body may define:
    # `__annotate__` (annotationlib), `__dataclass_fields__` (dataclasses), `__reduce_ex__` (copy),
    # `__slots__`/`__match_args__`/`__annotations__`... (Other metaclasses, and the real type reached
    # as `SomeMeta.mro()[1]`, are not covered here: those consumers check for themselves.)
    _real_type = type
    # What a class body's namespace holds besides its own names (the compiler's keys), and the data
    # dunders whose consumers check them themselves (__annotations__: the guarded dataclass() and
    # namedtuple check the names; __match_args__: class patterns match builtin types only).
    _COMPILER_CLASS_KEYS = frozenset({"__module__", "__qualname__", "__doc__", "__firstlineno__", "__static_attributes__", "__classcell__", "__classdictcell__", "__type_params__", "__orig_bases__", "__annotate__", "__annotate_func__", "__annotations__", "__match_args__"})
    _dict_keys = dict.keys
    _dict_get = dict.get

    def _check_class_namespace(namespace):
        if not isinstance(namespace, dict):
            return
        for key in _dict_keys(namespace):
            if type(key) is not str or not (key.startswith("__") and key.endswith("__")) or key in ALLOWED_DUNDER_METHODS:
                continue
            value = _dict_get(namespace, key)
            if key in _COMPILER_CLASS_KEYS:
                if key == "__module__" and type(value) is str:
                    continue
                if key in ("__annotate__", "__annotate_func__"):
                    # Only the compiler's own (a class body's annotations), never a rule's function.
                    if type(value) is types.FunctionType and value.__code__.co_name == "__annotate__" and value.__code__.co_filename == RULE_FILENAME:
                        continue
                    if value is None:
                        continue
                elif key != "__module__":
                    continue
            raise TypeError("A class made at run time cannot set `%s` (special methods a rule may define: %s)" % (key, ALLOWED_DUNDER_TEXT))

    class _GuardedTypeMeta(type):
        def __call__(cls, *args, **kwargs):
            if cls is _GuardedType and len(args) == 1 and not kwargs:
                result = _real_type(args[0])
                return _GuardedType if result is _real_type else result
            if len(args) == 3:
                _check_class_namespace(args[2])
            if cls is _GuardedType:
                return _real_type(*args, **kwargs)
            return _real_type.__call__(cls, *args, **kwargs)

        def __instancecheck__(cls, obj):
            if cls is _GuardedType:
                return isinstance(obj, _real_type)
            return _real_type.__instancecheck__(cls, obj)

        def __subclasscheck__(cls, sub):
            if cls is _GuardedType:
                return issubclass(sub, _real_type)
            return _real_type.__subclasscheck__(cls, sub)

    _GuardedType = _GuardedTypeMeta("type", (type,), {"__module__": "builtins", "__doc__": type.__doc__})
    # The metaclasses the guarded dataclass() takes as they are (sixth pass): not a rule's.
    import abc as _abc_real  # noqa: E402
    _TRUSTED_METACLASSES = {id(m): m for m in (object, type, _GuardedType, _abc_real.ABCMeta, _REAL_MODULES["enum"].EnumType,
                                               _typing._ProtocolMeta, _typing._TypedDictMeta, _typing.NamedTupleMeta)}

    # Imports compile to calls of these (not IMPORT_NAME, which takes __import__ from whatever builtins
    # the running frame has: annotationlib's fake-globals re-run of a rule function had the real ones).
    def guarded_import_module(name, bind_top, /):
        """`import a.b` (bind_top: binds `a`) and `import a.b as c` (binds the module a.b)."""
        module = guarded_import(name)
        return module if bind_top else MODULES[name]

    def guarded_import_from(name, names, level, /):
        """`from m import a, b`: the values, in order."""
        module = guarded_import(name, None, None, names, level)
        values = []
        for item in names:
            try:
                values.append(guarded_getattr(module, item))
            except AttributeError as error:
                raise ImportError("cannot import name %r from %r (%s)" % (item, name, error)) from None
        return tuple(values)

    # Checked dataclasses. asdict/astuple/replace/fields read `getattr(obj, field.name)` for every
    # Field in `type(obj).__dataclass_fields__`; both were the rule's to choose. Only classes the
    # guarded dataclass() made are dataclasses here (a registry, by identity), their Fields are the
    # ones it registered, with the names it checked, and every field is read through the read guard.
    _dc = _REAL_MODULES["dataclasses"]
    _DC_FIELD, _DC_CLASSVAR, _DC_INITVAR, _DC_MISSING = _dc._FIELD, _dc._FIELD_CLASSVAR, _dc._FIELD_INITVAR, _dc.MISSING
    _DC_ATOMIC = _dc._ATOMIC_TYPES
    _DATACLASSES = {}  # id(cls) -> (cls, its __dataclass_fields__ dict, ((Field, name), ...))

    def _register_dataclass(cls):
        fields = _type_dict(cls).get("__dataclass_fields__")
        if type(fields) is not dict:
            raise TypeError("dataclass() did not make a dataclass")
        entries = tuple((f, f.name) for f in fields.values())
        for field, name in entries:
            if type(field) is not _DataclassField:
                raise TypeError("a dataclass's fields must be dataclasses.Field")
            _check_field_name(name)
        _DATACLASSES[id(cls)] = (cls, fields, entries)
        # copy.replace(obj) calls cls.__replace__: the checked one.
        type.__setattr__(cls, "__replace__", _dc_replace)
        return cls

    def _registered_dataclass(cls):
        """The registry entry of the dataclass whose fields `cls` has (through its MRO), None when it
        has none; TypeError for a __dataclass_fields__ the guarded dataclass() did not make."""
        for klass in _type_mro(cls):
            fields = _type_dict(klass).get("__dataclass_fields__")
            if fields is None:
                continue
            entry = _DATACLASSES.get(id(klass))
            if entry is None or entry[0] is not klass or entry[1] is not fields:
                raise TypeError("`%s` is not a dataclass made by dataclasses.dataclass() in this rule" % _type_qualname(klass))
            if len(fields) != len(entry[2]):
                raise TypeError("a dataclass's fields were changed")
            for field, name in entry[2]:
                if field.name != name or fields.get(name) is not field:
                    raise TypeError("a dataclass's fields were changed")
            return entry
        return None

    def _instance_fields(obj):
        entry = _registered_dataclass(type(obj))
        return None if entry is None else [f for f, _ in entry[2] if f._field_type is _DC_FIELD]

    def _dc_fields(class_or_instance):
        cls = class_or_instance if isinstance(class_or_instance, type) and issubclass(type(class_or_instance), type) else type(class_or_instance)
        entry = _registered_dataclass(cls)
        if entry is None:
            raise TypeError("must be called with a dataclass type or instance")
        return tuple(f for f, _ in entry[2] if f._field_type is _DC_FIELD)

    def _dc_asdict(obj, *, dict_factory=dict):
        if isinstance(obj, type) or _instance_fields(obj) is None:
            raise TypeError("asdict() should be called on dataclass instances")
        return _asdict_inner(obj, dict_factory)

    def _asdict_inner(obj, dict_factory):
        obj_type = type(obj)
        if obj_type in _DC_ATOMIC:
            return obj
        fields = None if isinstance(obj, type) else _instance_fields(obj)
        if fields is not None:
            items = [(f.name, _asdict_inner(guarded_getattr(obj, f.name), dict_factory)) for f in fields]
            return dict(items) if dict_factory is dict else dict_factory(items)
        if isinstance(obj, tuple) and _real_hasattr(obj, "_fields"):
            return obj_type(*[_asdict_inner(v, dict_factory) for v in obj])
        if isinstance(obj, (list, tuple)):
            return obj_type(_asdict_inner(v, dict_factory) for v in obj)
        if isinstance(obj, dict):
            if _real_hasattr(obj_type, "default_factory"):
                result = obj_type(guarded_getattr(obj, "default_factory"))
                for k, v in obj.items():
                    result[_asdict_inner(k, dict_factory)] = _asdict_inner(v, dict_factory)
                return result
            return obj_type((_asdict_inner(k, dict_factory), _asdict_inner(v, dict_factory)) for k, v in obj.items())
        return _copy_deepcopy(obj)

    def _dc_astuple(obj, *, tuple_factory=tuple):
        if isinstance(obj, type) or _instance_fields(obj) is None:
            raise TypeError("astuple() should be called on dataclass instances")
        return _astuple_inner(obj, tuple_factory)

    def _astuple_inner(obj, tuple_factory):
        obj_type = type(obj)
        if obj_type in _DC_ATOMIC:
            return obj
        fields = None if isinstance(obj, type) else _instance_fields(obj)
        if fields is not None:
            return tuple_factory([_astuple_inner(guarded_getattr(obj, f.name), tuple_factory) for f in fields])
        if isinstance(obj, tuple) and _real_hasattr(obj, "_fields"):
            return obj_type(*[_astuple_inner(v, tuple_factory) for v in obj])
        if isinstance(obj, (list, tuple)):
            return obj_type(_astuple_inner(v, tuple_factory) for v in obj)
        if isinstance(obj, dict):
            if _real_hasattr(obj_type, "default_factory"):
                result = obj_type(guarded_getattr(obj, "default_factory"))
                for k, v in obj.items():
                    result[_astuple_inner(k, tuple_factory)] = _astuple_inner(v, tuple_factory)
                return result
            return obj_type((_astuple_inner(k, tuple_factory), _astuple_inner(v, tuple_factory)) for k, v in obj.items())
        return _copy_deepcopy(obj)

    def _dc_replace(obj, /, **changes):
        entry = None if isinstance(obj, type) else _registered_dataclass(type(obj))
        if entry is None:
            raise TypeError("replace() should be called on dataclass instances")
        for f, name in entry[2]:
            if f._field_type is _DC_CLASSVAR:
                continue
            if not f.init:
                if name in changes:
                    raise TypeError(f"field {name} is declared with init=False, it cannot be specified with replace()")
                continue
            if name not in changes:
                if f._field_type is _DC_INITVAR and f.default is _DC_MISSING:
                    raise TypeError(f"InitVar {name!r} must be specified with replace()")
                changes[name] = guarded_getattr(obj, name)
        return type(obj)(**changes)

    _shadows["dataclasses"] = _shadow_without_refused(
        "dataclasses", _dc,
        {"dataclass": _guarded_dataclass, "fields": _dc_fields, "asdict": _dc_asdict, "astuple": _dc_astuple, "replace": _dc_replace},
    )

    # copy: _reconstruct calls the reduce value's callable and sets the state it names on what it
    # returns (setattr, __dict__.update). A reduce value is used only when it comes from a class that
    # existed before the rule (the runner's, the standard library's: their reduce methods build fresh
    # objects of the object's own type) or from the few standard-library functions dataclasses and enum
    # put on a rule's class; a rule's own __reduce_ex__/__reduce__/__getstate__/__getnewargs__ (also
    # through type(name, bases, ns)) is refused. The state's names may not be dunders, and the
    # callable may not hand back a module or a class.
    _copy_real = _REAL_MODULES["copy"]
    _copy_deepcopy = _copy_real.deepcopy
    _real_reconstruct = _copy_real._reconstruct
    _REDUCE_METHOD_NAMES = ("__reduce_ex__", "__reduce__", "__getstate__", "__getnewargs_ex__", "__getnewargs__")

    def _stdlib_codes():
        codes = {_dc._dataclass_getstate.__code__, _dc._dataclass_setstate.__code__}
        for const in _REAL_MODULES["enum"]._make_class_unpicklable.__code__.co_consts:
            if isinstance(const, types.CodeType):
                codes.add(const)
        return frozenset(codes)

    _REDUCE_CODES_ON_RULE_CLASSES = _stdlib_codes()

    def _check_reduce_provider(cls):
        for name in _REDUCE_METHOD_NAMES:
            for klass in _type_mro(cls):
                namespace = _type_dict(klass)
                if name not in namespace:
                    continue
                if _is_trusted_type(klass):
                    break
                value = namespace[name]
                if type(value) is types.FunctionType and value.__code__ in _REDUCE_CODES_ON_RULE_CLASSES:
                    break
                raise TypeError("copy cannot use `%s` of `%s`: a rule's class cannot define how it is copied (define __copy__/__deepcopy__ instead)" % (name, _type_qualname(klass)))

    def _check_state_names(state):
        if isinstance(state, dict):
            for key in state:
                if type(key) is not str or key.startswith("__"):
                    raise TypeError("copy cannot set the attribute %r" % (key,))

    def _checked_reconstruct(x, memo, func, args, state=None, listiter=None, dictiter=None, *, deepcopy=_copy_deepcopy):
        _check_reduce_provider(type(x))
        if isinstance(state, tuple) and len(state) == 2:
            _check_state_names(state[0])
            _check_state_names(state[1])
        else:
            _check_state_names(state)

        def make(*args):
            made = func(*args)
            if isinstance(made, (_ModuleType, type)):
                raise TypeError("copy cannot reconstruct into a module or a class")
            return made

        return _real_reconstruct(x, memo, make, args, state, listiter, dictiter, deepcopy=deepcopy)

    _copy_real._reconstruct = _checked_reconstruct

    def _copy_replace(obj, /, **changes):
        if not isinstance(obj, type) and _registered_dataclass(type(obj)) is not None:
            return _dc_replace(obj, **changes)
        return _copy_real.replace(obj, **changes)

    # annotationlib (3.14) evaluates FORWARDREF/STRING by building a NEW function from the annotate
    # function's code with fake globals, and CPython gives it the builder's (the real) builtins. A
    # rule's annotate function (any callable that is not the standard library's) is only ever called as
    # itself, with VALUE; and no function is ever built from a rule's code (audit hook below).
    def _trusted_function(f):
        return type(f) is types.FunctionType and f.__code__.co_filename != RULE_FILENAME

    if _annotationlib is not None:
        _real_call_annotate_function = _annotationlib.call_annotate_function
        _FORMAT = _annotationlib.Format

        def _call_annotate_function(annotate, format, *, owner=None, _is_evaluate=False):
            if _trusted_function(annotate):
                return _real_call_annotate_function(annotate, format, owner=owner, _is_evaluate=_is_evaluate)
            if format == _FORMAT.VALUE_WITH_FAKE_GLOBALS:
                raise ValueError("The VALUE_WITH_FAKE_GLOBALS format is for internal use only")
            value = annotate(_FORMAT.VALUE)
            if format == _FORMAT.STRING:
                return _annotationlib.type_repr(value) if _is_evaluate else _annotationlib.annotations_to_string(value)
            return value

        _annotationlib.call_annotate_function = _call_annotate_function

    def _audit(event, args):
        if event == "function.__new__":
            code = args[0] if args else None
            if type(code) is types.CodeType and code.co_filename == RULE_FILENAME:
                raise RuntimeError("A rule's code cannot be made into another function")
        elif event == "object.__setattr__" and len(args) >= 2 and args[1] == "__class__":
            if isinstance(args[0], (_ModuleType, _DataclassField, type)):
                raise TypeError("The class of a module or a dataclass field cannot be changed")

    sys.addaudithook(_audit)

    # Seventh adversarial pass (2026-12-08): collections.UserString.format/format_map are Python
    # methods that call `self.data.format(...)`: the REAL str.format, past the guard (which swaps in
    # the checked formatter only where a rule reads `format` itself), so `{0.attr[key]}` read any
    # attribute in C. They are replaced on the class itself (not a subclass: super() and the class's
    # mro would still reach a subclass's base) by the checked formatter. No other allowed module
    # calls .format/.format_map on a template it was handed (their templates are literals).
    _UserString = _REAL_MODULES["collections"].UserString

    def _userstring_format(self, /, *args, **kwds):
        return _safe_format(self.data, *args, **kwds)

    def _userstring_format_map(self, mapping, /):
        return _safe_format_map(self.data, mapping)

    for _method_name, _method in (("format", _userstring_format), ("format_map", _userstring_format_map)):
        _method.__name__ = _method_name
        _method.__qualname__ = "UserString." + _method_name
        _method.__module__ = "collections"
        _real_setattr(_UserString, _method_name, _method)

    for _name, _module in _REAL_MODULES.items():
        if _name not in _shadows:
            _shadows[_name] = _shadow_without_refused(_name, _module, {"replace": _copy_replace} if _name == "copy" else {})
        _MODULE_IDS[id(_shadows[_name])] = (_shadows[_name], _name)
    # What rules import: the shadows (and guarded_getattr hands out a module only as its shadow).
    MODULES = _ReadOnly(_shadows)
    # The classes that existed before any rule (the trusted ones: filled at the end of this file).
    _TRUSTED_TYPES = {}

    def _is_trusted_type(cls):
        return _TRUSTED_TYPES.get(id(cls)) is cls


    def _star_names(module):
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in vars(module) if not n.startswith("_")]
        return names

    STAR_REFUSED = {}
    for _name, _module in MODULES.items():
        _bad = []
        for _item in _star_names(_module):
            _value = getattr(_module, _item, None)
            if _attribute_blocked(_item) or (_name, _item) in BLOCKED_MEMBERS or (type(_value) is _ModuleType and _value.__name__ not in ALLOWED_MODULES):
                _bad.append(_item)
        if _bad:
            STAR_REFUSED[_name] = ", ".join(sorted(_bad)[:5])
    STAR_REFUSED = _ReadOnly(STAR_REFUSED)

    def guarded_catchable(spec):
        """An except clause's class (or tuple) with the uncatchable ones taken out (they carry the time limit)."""
        if isinstance(spec, tuple):
            return tuple(guarded_catchable(item) for item in spec)
        if isinstance(spec, type):
            if spec is BaseException:
                return Exception
            if spec.__name__ in BLOCKED_EXCEPTIONS and spec.__module__ == "builtins":
                return ()
        return spec

    def _refused_builtin(name, message):
        def refused(*args, **kwargs):
            raise NameError(message)

        refused.__name__ = name
        return refused

    # The builtins a rule sees. Types and functions of the builtins module are immutable C objects.
    _SAFE_BUILTIN_NAMES = [
        "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr", "classmethod",
        "complex", "dict", "divmod", "enumerate", "filter", "float", "format", "frozenset", "hash", "hex", "id",
        "int", "isinstance", "issubclass", "iter", "aiter", "anext", "len", "list", "map", "max", "min", "next",
        "object", "oct", "ord", "pow", "property", "range", "repr", "reversed", "round", "set", "slice", "sorted",
        "staticmethod", "str", "sum", "super", "tuple", "type", "zip", "dir",
        "None", "True", "False", "Ellipsis", "NotImplemented", "__build_class__",
    ]
    _base_builtins = {name: _real_getattr(_builtins, name) for name in _SAFE_BUILTIN_NAMES if _real_hasattr(_builtins, name)}
    for _name in dir(_builtins):
        _value = _real_getattr(_builtins, _name)
        if isinstance(_value, type) and issubclass(_value, BaseException):
            _base_builtins[_name] = _value
    for _name, _message in BLOCKED_BUILTINS.items():
        _base_builtins[_name] = _refused_builtin(_name, _message)
    _base_builtins.update(
        getattr=guarded_getattr,
        hasattr=guarded_hasattr,
        setattr=guarded_setattr,
        delattr=guarded_delattr,
        __import__=guarded_import,
        __rbx_getattr__=guarded_getattr,
        __rbx_catchable__=guarded_catchable,
        __rbx_ns__=types.SimpleNamespace,
        __rbx_wobj__=guarded_write_target,
        type=_GuardedType,
        __rbx_augattr__=guarded_augattr,
        __rbx_import__=guarded_import_module,
        __rbx_import_from__=guarded_import_from,
    )

    # ---------------------------------------------------------------------------------------------
    # The compile-time transform. Names written in the source are checked here (so a refusal points
    # at the line); what depends on values (module members, str.format) is checked by the guards.
    ALLOWED_DUNDER_NAMES = frozenset({"__name__"})
    # The special methods a rule's class may define (fifth pass): the ordinary protocols, whose
    # results the interpreter only uses as values. Not: __reduce__/__reduce_ex__/__getstate__/
    # __setstate__/__getnewargs__ (copy), __annotate__ (annotationlib), __getattribute__/__setattr__/
    # __delattr__, __instancecheck__/__subclasscheck__/__mro_entries__/__prepare__, __del__, ...
    ALLOWED_DUNDER_METHODS = frozenset(
        "__%s__" % name for name in (
            "init post_init new del repr str format bytes hash bool eq ne lt le gt ge call len length_hint iter next "
            "reversed contains getitem setitem delitem missing enter exit aenter aexit aiter anext await copy "
            "deepcopy getattr get set delete set_name init_subclass class_getitem index int float complex round "
            "trunc floor ceil neg pos abs invert add radd iadd sub rsub isub mul rmul imul matmul rmatmul imatmul "
            "truediv rtruediv itruediv floordiv rfloordiv ifloordiv mod rmod imod divmod rdivmod pow rpow ipow "
            "lshift rlshift ilshift rshift rrshift irshift and rand iand or ror ior xor rxor ixor"
        ).split()
    )
    ALLOWED_DUNDER_TEXT = ", ".join(sorted(ALLOWED_DUNDER_METHODS - {"__%s__" % n for n in "radd iadd rsub isub rmul imul rmatmul imatmul rtruediv itruediv rfloordiv ifloordiv rmod imod rdivmod rpow ipow rlshift ilshift rrshift irshift rand iand ror ior rxor ixor".split()})) + " and the reflected/in-place operators"
    # The builtin types a positional class pattern matches by the subject itself (no attribute read).
    SELF_MATCHING_TYPES = frozenset(POLICY["selfMatchingTypes"]["names"])
    _MATCH_SELF = 1 << 22  # Py_TPFLAGS_MATCH_SELF: what makes `case int(n):` bind the subject itself
    for _name in SELF_MATCHING_TYPES:
        _type = _real_getattr(_builtins, _name)
        # policy.json lists these; one that did not match itself would read its __match_args__.
        if not (isinstance(_type, type) and _type.__flags__ & _MATCH_SELF):
            raise RuntimeError("policy.json: selfMatchingTypes lists %r, which is not a builtin type that matches itself" % _name)
        _base_builtins["__rbx_type_" + _name] = _type
    _base_builtins = _ReadOnly(_base_builtins)

    class _Guard(ast.NodeTransformer):
        def __init__(self):
            ast.NodeTransformer.__init__(self)
            # Dotted names in patterns (`case Tier.GOLD:`, `case decimal.Decimal():`) are read by the
            # interpreter, not by a call, so they cannot go through __rbx_getattr__ in place: each
            # match statement's are read through the guard just before it, into a namespace of its
            # own that the patterns name instead (`case __rbx_pv0.v0:`).
            self._pattern_values = []
            self._matches = 0

        def _hoist_pattern_value(self, expr):
            name, values = self._pattern_values[-1]
            values.append(self.visit(expr))
            return ast.copy_location(ast.Attribute(value=ast.Name(id=name, ctx=ast.Load()), attr="v%d" % (len(values) - 1), ctx=ast.Load()), expr)

        def visit_Match(self, node):
            name = "__rbx_pv%d" % self._matches
            self._matches += 1
            self._pattern_values.append((name, []))
            try:
                self.generic_visit(node)
            finally:
                _, values = self._pattern_values.pop()
            if not values:
                return node
            namespace = ast.Call(func=ast.Name(id="__rbx_ns__", ctx=ast.Load()), args=[], keywords=[ast.keyword(arg="v%d" % i, value=v) for i, v in enumerate(values)])
            assign = ast.copy_location(ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=namespace), node)
            return [assign, node]

        def visit_MatchValue(self, node):
            if isinstance(node.value, ast.Attribute):
                node.value = self._hoist_pattern_value(node.value)
                return node
            self.generic_visit(node)
            return node

        def visit_Name(self, node):
            name = node.id
            if name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDER_NAMES:
                raise PolicyViolation("`%s` is not available in a rule" % name, node)
            if name.startswith("__rbx"):
                raise PolicyViolation("`%s` is reserved" % name, node)
            return node

        def visit_Attribute(self, node):
            if _attribute_blocked(node.attr):
                raise PolicyViolation(_attribute_message(node.attr), node)
            self.generic_visit(node)
            if isinstance(node.ctx, ast.Load):
                call = ast.Call(func=ast.Name(id="__rbx_getattr__", ctx=ast.Load()), args=[node.value, ast.Constant(value=node.attr)], keywords=[])
                return ast.copy_location(call, node)
            # `obj.attr = v`, `del obj.attr` (and for/with/unpacking targets): the object goes
            # through the write guard (no module, dataclass Field or builtin/standard-library class).
            node.value = ast.copy_location(ast.Call(func=ast.Name(id="__rbx_wobj__", ctx=ast.Load()), args=[node.value, ast.Constant(value=node.attr)], keywords=[]), node.value)
            return node

        def visit_AugAssign(self, node):
            # `obj.attr op= v` reads the attribute with a bare LOAD_ATTR (its value would reach the
            # right operand's __radd__ unguarded): a call that reads and writes through the guards.
            if not isinstance(node.target, ast.Attribute):
                self.generic_visit(node)
                return node
            target = node.target
            if _attribute_blocked(target.attr):
                raise PolicyViolation(_attribute_message(target.attr), target)
            args = [self.visit(target.value), ast.Constant(value=target.attr), ast.Constant(value=type(node.op).__name__), self.visit(node.value)]
            call = ast.Call(func=ast.Name(id="__rbx_augattr__", ctx=ast.Load()), args=args, keywords=[])
            return ast.copy_location(ast.Expr(value=ast.copy_location(call, node)), node)

        # Imports become calls of the import guard (not IMPORT_NAME, which takes __import__ from the
        # running frame's builtins: annotationlib's fake-globals re-run of a rule's function had the
        # real ones, fifth pass). `from m import *` stays a statement (module level only, where the
        # frame's builtins are always the rule's).
        def visit_Import(self, node):
            statements = []
            for alias in node.names:
                self.visit_alias(alias)
                bind_top = alias.asname is None
                target = alias.name.partition(".")[0] if bind_top else alias.asname
                call = ast.Call(func=ast.Name(id="__rbx_import__", ctx=ast.Load()), args=[ast.Constant(value=alias.name), ast.Constant(value=bind_top)], keywords=[])
                statements.append(ast.copy_location(ast.Assign(targets=[ast.Name(id=target, ctx=ast.Store())], value=ast.copy_location(call, node)), node))
            return statements

        def visit_ImportFrom(self, node):
            for alias in node.names:
                self.visit_alias(alias)
            if "*" in [alias.name for alias in node.names]:
                return node
            names = ast.Tuple(elts=[ast.Constant(value=alias.name) for alias in node.names], ctx=ast.Load())
            call = ast.Call(func=ast.Name(id="__rbx_import_from__", ctx=ast.Load()), args=[ast.Constant(value=node.module or ""), names, ast.Constant(value=node.level or 0)], keywords=[])
            targets = ast.Tuple(elts=[ast.Name(id=alias.asname or alias.name, ctx=ast.Store()) for alias in node.names], ctx=ast.Store())
            return ast.copy_location(ast.Assign(targets=[targets], value=ast.copy_location(call, node)), node)

        def visit_ExceptHandler(self, node):
            self.generic_visit(node)
            spec = node.type if node.type is not None else ast.Name(id="Exception", ctx=ast.Load())
            node.type = ast.copy_location(ast.Call(func=ast.Name(id="__rbx_catchable__", ctx=ast.Load()), args=[spec], keywords=[]), node)
            return node

        def visit_MatchClass(self, node):
            # A class pattern reads the subject's attributes in C, past every guard: by the names of
            # its keyword patterns, and by the class's __match_args__ for positional ones (which a
            # class made with type(name, bases, dict) may fill with any name). So keyword patterns
            # are refused, and positional ones only match the builtin types that match themselves
            # (int(x), str(s), ...), named through aliases a rule cannot rebind.
            if node.kwd_patterns:
                raise PolicyViolation("Class patterns with keywords (`case C(attr=...)`) are not available in a rule: match the class with `case C()` and read the attribute in the case body", node)
            dotted = isinstance(node.cls, ast.Attribute)
            node.cls = self._hoist_pattern_value(node.cls) if dotted else self.visit(node.cls)
            node.patterns = [self.visit(p) for p in node.patterns]
            if node.patterns:
                cls = node.cls
                if dotted:
                    raise PolicyViolation("Positional class patterns work only with %s in a rule: match the class with `case C()` and read its attributes in the case body" % ", ".join(sorted(SELF_MATCHING_TYPES)), node)
                if not (isinstance(cls, ast.Name) and cls.id in SELF_MATCHING_TYPES):
                    raise PolicyViolation("Positional class patterns work only with %s in a rule: match the class with `case C()` and read its attributes in the case body" % ", ".join(sorted(SELF_MATCHING_TYPES)), node)
                node.cls = ast.copy_location(ast.Name(id="__rbx_type_" + cls.id, ctx=ast.Load()), cls)
            return node

        def _check_def_name(self, node):
            if node.name.startswith("__rbx"):
                raise PolicyViolation("`%s` is reserved" % node.name, node)
            # Dunder methods other than the ordinary protocol ones are instructions to the standard
            # library, not code it merely calls: __reduce_ex__ told copy what to set on which object,
            # __annotate__ was re-run by annotationlib with the real builtins (fifth pass).
            name = node.name
            if name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDER_METHODS:
                raise PolicyViolation("`def %s` is not available in a rule (special methods a rule may define: %s)" % (name, ALLOWED_DUNDER_TEXT), node)

        def visit_FunctionDef(self, node):
            self._check_def_name(node)
            self.generic_visit(node)
            return node

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_ClassDef(self, node):
            self._check_def_name(node)
            self.generic_visit(node)
            return node

        def visit_arg(self, node):
            if node.arg.startswith("__rbx"):
                raise PolicyViolation("`%s` is reserved" % node.arg, node)
            self.generic_visit(node)
            return node

        def visit_alias(self, node):
            for part in (node.asname or node.name).split("."):
                if part.startswith("__") and part.endswith("__"):
                    raise PolicyViolation("`%s` is not available in a rule" % part, node)
            return node

        def visit_Global(self, node):
            for name in node.names:
                if name.startswith("__"):
                    raise PolicyViolation("`%s` is not available in a rule" % name, node)
            return node

        visit_Nonlocal = visit_Global

    def compile_rule(source):
        tree = ast.parse(source, filename=RULE_FILENAME, mode="exec")
        tree = _Guard().visit(tree)
        ast.fix_missing_locations(tree)
        return compile(tree, RULE_FILENAME, "exec", dont_inherit=True)

    # Compiled rules live in this cache, which the worker snapshots again after a miss: the compile
    # (parse, transform, bytecode) happens once per source and interpreter, never between runs.
    CODE_CACHE = {}
    MAX_CODE_CACHE = 256

    def _compile_error(name, message, frames):
        return json.dumps({"o": "error", "e": {"name": name, "message": _clip(message, MAX_ERROR_MESSAGE), "frames": frames}})

    def _prepare(source):
        if source in CODE_CACHE:
            return "hit"
        try:
            code = compile_rule(source)
        except PolicyViolation as error:
            return _compile_error("PolicyError", str(error), [{"line": error.line, "column": error.column}])
        except SyntaxError as error:
            return _compile_error(type(error).__name__, error.msg or "invalid syntax", [{"line": error.lineno or 1, "column": max(1, error.offset or 1)}])
        except (RecursionError, MemoryError):
            return _compile_error("SyntaxError", "The rule is nested too deeply to compile", [])
        if len(CODE_CACHE) >= MAX_CODE_CACHE:
            CODE_CACHE.pop(next(iter(CODE_CACHE)))
        CODE_CACHE[source] = code
        return ""

    def prepare(source):
        """Compiles a source into the cache: "hit" when it was there, "" when compiled now, else a JSON error line."""
        try:
            _PHASE[0] = "run"
            try:
                return _prepare(source)
            finally:
                _end_phase()
        except KeyboardInterrupt:
            return json.dumps({"o": "timeout", "e": {"name": "TimeoutError", "message": "The rule took longer than its time limit to compile", "frames": []}})
        except BaseException as error:
            return _compile_error("SyntaxError", "The rule could not be compiled: %s" % type(error).__name__, [])

    # ---------------------------------------------------------------------------------------------
    # The time guard's interrupt (the pool writes SIGINT into the interpreter's interrupt buffer at the
    # run's limit, and again every few ms until the run answers, because a rule's `finally` may loop).
    # It raises KeyboardInterrupt only while the rule's code, its compile or its output's encoding
    # runs; once the answer is decided, a repeated interrupt would only garble writing it, so it is
    # ignored. The phase lives here, out of every rule's reach (no globals, frames or signal module).
    _PHASE = ["idle"]

    # Once the limit has passed, the interrupt must not be swallowable: a context manager whose
    # __exit__ returns True (or a __del__ the interrupt lands in) would take each KeyboardInterrupt
    # and go on looping until the pool's hard deadline cost a worker restart. So the first interrupt
    # also turns on sys.monitoring events for every line, jump, call, resume and return, and each
    # one in the rule's own code raises KeyboardInterrupt again: a swallowed one is followed by the
    # next at the rule's next step, outside the `with` or `__del__` that took it. Events in the
    # runner's and the standard library's code are disabled where they fire (DISABLE). Off until
    # then (no cost), and off again when the phase ends; the memory restore undoes it anyway.
    _monitoring = sys.monitoring
    _events = _monitoring.events
    _set_events = _monitoring.set_events
    _DISABLE = _monitoring.DISABLE
    _DEADLINE_EVENTS = _events.LINE | _events.JUMP | _events.PY_START | _events.PY_RESUME | _events.PY_RETURN
    _DEADLINE_TOOL = next(tool for tool in (4, 3, 2, 1, 0, 5) if _monitoring.get_tool(tool) is None)
    _monitoring.use_tool_id(_DEADLINE_TOOL, "rulebox-time-limit")
    _PAST_DEADLINE = [False]

    def _on_event_past_deadline(code, *_rest):
        if code.co_filename != RULE_FILENAME:
            return _DISABLE
        if _PHASE[0] == "run":
            raise KeyboardInterrupt
        return None

    for _event in (_events.LINE, _events.JUMP, _events.PY_START, _events.PY_RESUME, _events.PY_RETURN):
        _monitoring.register_callback(_DEADLINE_TOOL, _event, _on_event_past_deadline)

    def _on_interrupt(signum, frame):
        if _PHASE[0] == "run":
            if not _PAST_DEADLINE[0]:
                _PAST_DEADLINE[0] = True
                _set_events(_DEADLINE_TOOL, _DEADLINE_EVENTS)
            raise KeyboardInterrupt

    def _end_phase():
        _PHASE[0] = "idle"
        if _PAST_DEADLINE[0]:
            _PAST_DEADLINE[0] = False
            _set_events(_DEADLINE_TOOL, 0)

    _signal.signal(_signal.SIGINT, _on_interrupt)

    # ---------------------------------------------------------------------------------------------
    # One run.
    class _LogSink:
        __slots__ = ("entries", "bytes", "limit", "truncated")

        def __init__(self, limit):
            self.entries = []
            self.bytes = 0
            self.limit = limit
            self.truncated = False

        def write(self, level, args, sep=" "):
            if self.truncated:
                return
            if len(self.entries) >= MAX_LOG_ENTRIES:
                self.truncated = True
                return
            budget = self.limit - self.bytes
            parts = []
            for arg in args:
                text = arg if type(arg) is str else str(arg)
                parts.append(text if len(text) <= budget + 1 else text[: budget + 1])
                budget -= len(parts[-1]) + len(sep)
                if budget < 0:
                    break
            message = sep.join(parts)
            size = len(message.encode("utf-8", "surrogatepass"))
            if self.bytes + size > self.limit:
                room = self.limit - self.bytes
                message = message.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
                self.truncated = True
                self.bytes = self.limit
                if message:
                    self.entries.append([level, message])
                return
            self.bytes += size
            self.entries.append([level, message])

    class _Encoder(json.JSONEncoder):
        def default(self, o):
            if isinstance(o, MODULES["decimal"].Decimal):
                return str(o)
            if isinstance(o, (MODULES["datetime"].date, MODULES["datetime"].time)):
                return o.isoformat()
            return _JSONEncoder_default(self, o)

    class _OverBudget(Exception):
        pass

    def _encode(value, max_bytes):
        encoder = _pinned(_Encoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")))
        chunks = []
        chars = 0
        # Every character is at least one UTF-8 byte: stop as soon as the text cannot fit.
        for chunk in encoder.iterencode(value):
            chars += len(chunk)
            if chars > max_bytes:
                raise _OverBudget()
            chunks.append(chunk)
        return "".join(chunks)

    def _rule_frames(tb):
        frames = []
        for summary in traceback.extract_tb(tb):
            if summary.filename != RULE_FILENAME:
                continue
            frame = {"line": summary.lineno or 1, "column": (summary.colno or 0) + 1}
            if summary.name and summary.name != "<module>":
                frame["functionName"] = _clip(summary.name, MAX_ERROR_NAME)
            frames.append(frame)
        # Innermost first, as JavaScript rules' frames are (the IDE marks the first as where it failed).
        return frames[-MAX_FRAMES:][::-1]

    def _describe(error):
        try:
            message = str(error)
        except BaseException:  # a rule's __str__ that raises or loops (interrupt) still yields an answer
            message = "[unprintable]"
        return {"name": _clip(type(error).__name__, MAX_ERROR_NAME), "message": _clip(message, MAX_ERROR_MESSAGE), "frames": _rule_frames(error.__traceback__)}

    def _timeout(timeout_ms):
        return {"name": "TimeoutError", "message": "The rule ran longer than its limit of %d ms" % timeout_ms, "frames": [], "limit": {"name": "timeoutMs", "value": timeout_ms}}

    def _memory(memory_mb):
        return {"name": "MemoryLimitError", "message": "The rule used more than its memory limit of %d MB" % memory_mb, "frames": [], "limit": {"name": "memoryMb", "value": memory_mb}}

    _json_loads = json.loads
    _JSONEncoder = json.JSONEncoder
    _JSONEncoder_iterencode = json.JSONEncoder.iterencode
    _JSONEncoder_default = json.JSONEncoder.default

    def _pinned(encoder):
        """An encoder a rule cannot change: its separators are its own, and iterencode the function as it
        was at start (a rule may rewrite json.JSONEncoder's class attributes, e.g. item_separator, to
        forge the answer's outcome: found by an adversarial pass; the restore undoes it only after)."""
        encoder.iterencode = types.MethodType(_JSONEncoder_iterencode, encoder)
        return encoder

    _meta_encoder = _pinned(_JSONEncoder(ensure_ascii=False, separators=(",", ":")))

    def _json_dumps(value):
        return "".join(_meta_encoder.iterencode(value, _one_shot=True))
    _SimpleNamespace = types.SimpleNamespace
    _FunctionType = types.FunctionType

    def run_one(source, input_json, clock, seed, timeout_ms, memory_mb, max_output_bytes, max_log_bytes, rule_id, version):
        """Runs one rule. Always returns text: a JSON line of metadata, then (when ok) the output JSON.

        A repeated interrupt may land in _run_body's own handlers (it means `timeout`, as the first
        did); once the answer is decided, interrupts are ignored while it is written (_PHASE)."""
        logs = _LogSink(max_log_bytes)
        _PHASE[0] = "run"
        try:
            meta, output = _run_body(logs, source, input_json, clock, seed, timeout_ms, memory_mb, max_output_bytes, rule_id, version)
        except KeyboardInterrupt:
            meta, output = None, ""
        finally:
            _end_phase()
        if meta is None:
            meta = {"o": "timeout", "e": _timeout(timeout_ms)}
        return _report(meta, logs, output)

    def _report(meta, logs, output):
        try:
            meta["logs"] = logs.entries
            if logs.truncated:
                meta["lt"] = True
            if meta["o"] != "ok":
                output = ""
            return _json_dumps(meta) + "\n" + output
        except BaseException:
            return '{"o":"error","e":{"name":"Error","message":"The run\'s result could not be reported","frames":[]},"logs":[]}\n'

    def _run_body(logs, source, input_json, clock, seed, timeout_ms, memory_mb, max_output_bytes, rule_id, version):
        meta = {"o": "ok"}
        output = ""
        try:
            try:
                code = CODE_CACHE.get(source)
                if code is None:
                    refused = _prepare(source)
                    if refused not in ("", "hit"):
                        return _json_loads(refused), ""
                    code = CODE_CACHE[source]
                _random.seed(seed)

                def log(*args, sep=" "):
                    logs.write("log", args, sep if type(sep) is str else " ")

                def print_(*args, sep=" ", end="\n", file=None, flush=False):
                    logs.write("log", args, sep if type(sep) is str else " ")

                rule_builtins = dict(_base_builtins)
                rule_builtins["print"] = print_
                namespace = {"__builtins__": rule_builtins, "__name__": "rule"}
                exec(code, namespace)
                entry = namespace.get("rule")
                if type(entry) is not _FunctionType:
                    meta = {"o": "error", "e": {"name": "TypeError", "message": "A Python rule must define `def rule(input, ctx):` at the top level", "frames": []}}
                else:
                    ctx = _SimpleNamespace(log=log, now=clock, rule_id=rule_id, version=version)
                    value = entry(_json_loads(input_json), ctx)
                    try:
                        output = _encode(value, max_output_bytes)
                    except _OverBudget:
                        meta = {"o": "output_limit", "e": {"name": "OutputLimitError", "message": "The output is over the limit of %d bytes" % max_output_bytes, "frames": [], "limit": {"name": "maxOutputBytes", "value": max_output_bytes}}}
                    except (TypeError, ValueError) as error:
                        described = _describe(error)
                        if not described["frames"]:
                            described["message"] = _clip("The rule's return value cannot be converted to JSON: " + described["message"], MAX_ERROR_MESSAGE)
                        meta = {"o": "error", "e": described}
            except KeyboardInterrupt:
                meta = {"o": "timeout", "e": _timeout(timeout_ms)}
            except MemoryError:
                meta = {"o": "memory", "e": _memory(memory_mb)}
            except RecursionError as error:
                meta = {"o": "error", "e": _describe(error)}
            except BaseException as error:
                meta = {"o": "error", "e": _describe(error)}
        except KeyboardInterrupt:
            meta = {"o": "timeout", "e": _timeout(timeout_ms)}
            output = ""
        except MemoryError:
            meta = {"o": "memory", "e": _memory(memory_mb)}
            output = ""
        return meta, output

    # Last, once everything above is set up: the Pyodide packages that bridge to JavaScript leave
    # the import system. `js` and `pyodide_js` are JavaScript objects (their constructor chains end
    # in JavaScript's Function); `pyodide.ffi`, `pyodide.code`, `_pyodide` and `_pyodide_core` make,
    # convert and run them. JavaScript-side state is not restored between runs (python-worker.ts
    # restores WebAssembly memory only), so whatever reached it would be cross-run state. Nothing
    # here needs them when a run is served: run_one and prepare return str, which Pyodide converts
    # in C, and the JavaScript side holds its own references to what it calls (runPython).
    # Stdlib code that imports by name finds nothing (it imports nothing of theirs), and the guards
    # refuse every module outside the allowlist anyway: this is so that even a broken guard finds
    # nothing to walk.
    for _name in list(sys.modules):
        _module = sys.modules[_name]
        # Also every entry that is not a real module (Pyodide registers "pyodide_js._api", a
        # JavaScript object: found by an adversarial pass).
        if not isinstance(_module, types.ModuleType) or _name.split(".")[0] in js_bridges:
            del sys.modules[_name]
    # Pyodide's import hooks (JsFinder finds modules registered from JavaScript) go too.
    sys.meta_path[:] = [f for f in sys.meta_path if (getattr(type(f), "__module__", "") or "").split(".")[0] not in js_bridges]
    sys.path_hooks[:] = [h for h in sys.path_hooks if (getattr(h, "__module__", "") or "").split(".")[0] not in js_bridges]
    sys.path_importer_cache.clear()
    # Seventh pass: `_pyodide_core` is a built-in C module, so taking it out of sys.modules left it
    # importable through a real __import__ (its create_proxy makes a JsProxy, whose constructor
    # chain is JavaScript's Function). None in sys.modules makes `import` raise ImportError.
    for _name in sorted(js_bridges | _JS_SUBMODULES):
        sys.modules[_name] = None
    # This file runs in __main__'s namespace (Pyodide's globals): standard-library code that looks a
    # module up by a class's __module__ (enum.global_enum wrote members into it, overwriting the
    # guards' own helpers: third adversarial pass) must not find it.
    sys.modules.pop("__main__", None)

    # The classes that exist now (builtin, standard library, Pyodide's, the runner's) are the trusted
    # ones (fifth pass): a rule cannot write their attributes, and copy uses only their reduce methods.
    # Held here, so no id is ever reused by a rule's class.
    _trusted = {}
    _pending = [object]
    while _pending:
        _cls = _pending.pop()
        if id(_cls) not in _trusted:
            _trusted[id(_cls)] = _cls
            _pending.extend(type.__subclasses__(_cls))
    _TRUSTED_TYPES = _ReadOnly(_trusted)

    return run_one, prepare, _base_builtins


def _self_test(build, rule_builtins, js_bridges):
    """Fails the worker's start unless the guards hold whatever is written into this module's globals
    and no module that bridges to JavaScript is left to import."""
    import dis
    import sys
    import types

    left = sorted(name for name in sys.modules if (name.split(".")[0] in js_bridges and sys.modules[name] is not None) or name == "__main__")
    left += [repr(f) for f in sys.meta_path if (getattr(type(f), "__module__", "") or "").split(".")[0] in js_bridges]
    # Seventh pass: a built-in C module (_pyodide_core) is found again by a real import unless its
    # sys.modules entry is None; every bridge must fail to import, through the real __import__.
    for name in sorted(js_bridges | {"pyodide.ffi"}):
        if sys.modules.get(name, 0) is not None:
            left.append(name + " (not blocked in sys.modules)")
        try:
            __import__(name)
            left.append(name)
        except ImportError:
            pass
    if left:
        raise RuntimeError("runner self-test: still importable: " + ", ".join(left))

    # 1. No function the factory made reads or writes a name through globals or builtins when it
    #    runs (class bodies, which run once while the factory does, are skipped; their methods not).
    by_name = {"LOAD_GLOBAL", "STORE_GLOBAL", "DELETE_GLOBAL", "LOAD_NAME", "STORE_NAME", "DELETE_NAME", "LOAD_FROM_DICT_OR_GLOBALS"}
    optimized = 0x1  # CO_OPTIMIZED: a function's code, not a class body's or a module's
    pending = [c for c in build.__code__.co_consts if isinstance(c, types.CodeType)]
    while pending:
        code = pending.pop()
        pending.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        if not code.co_flags & optimized:
            continue
        for instruction in dis.get_instructions(code):
            if instruction.opname in by_name:
                raise RuntimeError("runner self-test: %s looks up %r by name when it runs" % (code.co_qualname, instruction.argval))

    # 2. The attack itself, simulated: permissive stand-ins for what the guards once looked up by
    #    name (and for the builtins they call) are written into this module's globals; every
    #    refusal must still hold. Nothing below reads a planted name once they are in.
    guarded_getattr = rule_builtins["getattr"]
    guarded_import = rule_builtins["__import__"]
    guarded_catchable = rule_builtins["__rbx_catchable__"]
    probes = (
        ("an underscore attribute", lambda: guarded_getattr((), "__class__")),
        ("a module that is not allowed", lambda: guarded_getattr(guarded_import("statistics"), "sys")),
        ("a refused member", lambda: guarded_getattr(guarded_import("typing"), "get_type_hints")),
        ("an import that is not allowed", lambda: guarded_import("os")),
        ("a star import with refused members", lambda: guarded_import("typing", None, None, ("*",))),
    )
    refusals = (AttributeError, ImportError)
    namespace = globals()
    planted = {
        "_attribute_blocked": lambda name: False, "BLOCKED_MEMBERS": {}, "BLOCKED_ATTRIBUTE_NAMES": frozenset(),
        "ALLOWED_MODULES": frozenset(__import__("sys").modules), "MODULES": __import__("sys").modules,
        "STAR_REFUSED": {}, "BLOCKED_EXCEPTIONS": frozenset(), "_ModuleType": type(None), "_ForwardRef": type(None),
        "_hidden_types": (), "isinstance": lambda *args: False, "issubclass": lambda *args: False, "type": lambda *args: str,
    }
    failed = []
    namespace.update(planted)
    try:
        for what, probe in probes:
            try:
                probe()
                failed.append(what)
            except refusals:
                pass
        if guarded_catchable(BaseException) is not Exception or guarded_catchable(KeyboardInterrupt) != ():
            failed.append("an uncatchable exception in an except clause")
    finally:
        for name in planted:
            del namespace[name]
    if failed:
        raise RuntimeError("runner self-test: after a write into the runner's globals, the guards allowed " + ", ".join(failed))


run_one, prepare, _rule_builtins = _build_runner(RULEBOX_POLICY_JSON, _JS_BRIDGES)  # noqa: F821 (set by the worker)
del RULEBOX_POLICY_JSON  # noqa: F821
_self_test(_build_runner, _rule_builtins, _JS_BRIDGES)
del _build_runner, _self_test, _rule_builtins, _JS_BRIDGES

run_one
