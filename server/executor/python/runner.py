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

    def _own_annotations(cls):
        if _annotationlib is not None:
            annotations = _annotationlib.get_annotations(cls, format=_annotationlib.Format.FORWARDREF)
        else:
            annotations = cls.__dict__.get("__annotations__", {})
        if type(annotations) is not dict:
            raise TypeError("a dataclass's annotations must be a dict")
        return dict(annotations)

    def _guarded_dataclass(cls=None, /, **kwargs):
        def wrap(c):
            if not isinstance(c, type):
                raise TypeError("dataclass() takes a class")
            for base in c.__mro__[1:]:
                fields = base.__dict__.get("__dataclass_fields__")
                if fields is None:
                    continue
                if type(fields) is not dict:
                    raise TypeError("a dataclass base's fields must be a dict")
                for key, field in fields.items():
                    if type(field) is not _DataclassField:
                        raise TypeError("a dataclass base's fields must be dataclasses.Field")
                    _check_field_name(key)
                    _check_field_name(field.name)
            annotations = _own_annotations(c)
            for name in annotations:
                _check_field_name(name)
            # What dataclasses reads next is exactly what was checked (no second __annotate__ call).
            c.__annotations__ = annotations
            return _real_dataclass(c, **kwargs)

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

    def guarded_getattr(obj, name, default=_NO_DEFAULT, /):
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if _attribute_blocked(name):
            raise AttributeError(_attribute_message(name))
        # isinstance, not `type(obj) is`: copy's reconstruct can set a module's __class__ to a rule's
        # own ModuleType subclass (fourth adversarial pass).
        if isinstance(obj, _ModuleType):
            message = BLOCKED_MEMBERS.get((_module_name(obj), name))
            if message is not None:
                raise AttributeError(message)
        if isinstance(obj, _ForwardRef) or (isinstance(obj, type) and issubclass(obj, _ForwardRef)):
            # A ForwardRef's evaluate() runs its string with eval() and the real builtins (Python
            # 3.14; `typing.List["..."]` makes one): nothing on it is for rules.
            raise AttributeError("A forward reference (a string in a type) cannot be used in a rule")
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
            module_name = _module_name(value)
            if module_name not in ALLOWED_MODULES:
                raise AttributeError("`%s` is a module a rule cannot use: only %s can be imported" % (module_name, ALLOWED_TEXT))
            # The module as rules import it (dataclasses is a guarded copy).
            return MODULES[module_name]
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
        _real_setattr(obj, name, value)

    def guarded_delattr(obj, name, /):
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if _attribute_blocked(name):
            raise AttributeError(_attribute_message(name))
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
                if type(value) is _ModuleType and value.__name__ not in ALLOWED_MODULES:
                    raise _import_refused('"%s.%s" cannot be imported: rules can only import %s' % (name, item, ALLOWED_TEXT))
            if "*" in fromlist:
                # `from m import *` copies m.__all__ (or every public name) in C, past the guard:
                # only modules whose star-export holds nothing refused are allowed.
                refused = STAR_REFUSED.get(name)
                if refused:
                    raise _import_refused("`from %s import *` is not available in a rule (it would bring in %s); import the names you use" % (name, refused))
            return module
        return MODULES[name.partition(".")[0]] if "." in name else module

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
    )

    # ---------------------------------------------------------------------------------------------
    # The compile-time transform. Names written in the source are checked here (so a refusal points
    # at the line); what depends on values (module members, str.format) is checked by the guards.
    ALLOWED_DUNDER_NAMES = frozenset({"__name__"})
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
            return node

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
    # This file runs in __main__'s namespace (Pyodide's globals): standard-library code that looks a
    # module up by a class's __module__ (enum.global_enum wrote members into it, overwriting the
    # guards' own helpers: third adversarial pass) must not find it.
    sys.modules.pop("__main__", None)

    return run_one, prepare, _base_builtins


def _self_test(build, rule_builtins, js_bridges):
    """Fails the worker's start unless the guards hold whatever is written into this module's globals
    and no module that bridges to JavaScript is left to import."""
    import dis
    import sys
    import types

    left = sorted(name for name in sys.modules if name.split(".")[0] in js_bridges or name == "__main__")
    left += [repr(f) for f in sys.meta_path if (getattr(type(f), "__module__", "") or "").split(".")[0] in js_bridges]
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
