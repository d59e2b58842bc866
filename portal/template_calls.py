"""Calls from templates, without Jinja's two inspections of each callee.

Every `{{ f(x) }}`, macro call and `{% call %}` in a template goes through
`Context.call`, which asks the callee twice whether it wants the context,
the evaluation context or the environment passed first (`hasattr` on it and
on its `__call__`, three to five attribute look-ups) before calling it: 40
to 60 times a page.

For the callees that cannot hide such a wish anywhere but on themselves (a
plain function, a bound method, a built-in, a Jinja macro), one `getattr`
tells the same thing; they are called directly unless they ask for
something. Everything else (a callable object, a proxy, a callee that asks)
goes through Jinja's own `call`, unchanged.
"""
from types import BuiltinFunctionType, BuiltinMethodType, FunctionType, MethodType

from jinja2.runtime import Context, Macro

# Their `__call__` is the type's own slot (never marked by `pass_context`), so only the object can be marked.
_DIRECT = frozenset((FunctionType, MethodType, BuiltinFunctionType, BuiltinMethodType, Macro))


class DirectCallContext(Context):
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature: any keyword may be passed on)
        if type(__obj) not in _DIRECT or getattr(__obj, "jinja_pass_arg", None) is not None:
            return Context.call(__self, __obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_loop_vars", None)  # what the compiled template adds for callees that take the context
            kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")
