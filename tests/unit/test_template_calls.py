"""Templates call functions as Jinja would: what asks for the context, the environment or the
evaluation context still gets it, inside loops and blocks too; the rest is called as it is."""
import pytest
from jinja2 import Environment, StrictUndefined, pass_context, pass_environment, pass_eval_context

from portal.template_calls import DirectCallContext


@pytest.fixture(params=["direct", "jinja"])
def environment(request):
    class Direct(Environment):
        context_class = DirectCallContext
    return (Direct if request.param == "direct" else Environment)(autoescape=True)


@pass_context
def seen(context, name):
    return context.get(name, "-")


class Greeter:
    @pass_environment
    def __call__(self, environment, who):
        return f"{environment.autoescape}:{who}"


def test_what_asks_for_the_context_sees_the_loop_and_block_variables(environment):
    page = environment.from_string(
        "{% set outer = 'o' %}{% for item in items %}{% set inner = item %}{{ seen('inner') }}{{ seen('outer') }};"
        "{% endfor %}{% block b %}{% set here = 'h' %}{{ seen('here') }}{% endblock %}")
    assert page.render(items=["a", "b"], seen=seen) == "ao;bo;h"


def test_environment_and_evaluation_context_are_passed(environment):
    autoescaping = pass_eval_context(lambda eval_context, text: f"{eval_context.autoescape}:{text}")
    page = environment.from_string("{{ greet('x') }} {{ esc('y') }} {{ plain('<b>') }} {{ method() }} {{ len(items) }}")
    rendered = page.render(greet=Greeter(), esc=autoescaping, plain=lambda text: text, method="abc".upper,
                           len=len, items=[1, 2])
    assert rendered.split(" ") == ["True:x", "True:y", "&lt;b&gt;", "ABC", "2"]


def test_macros_keyword_arguments_and_callers(environment):
    page = environment.from_string(
        "{% macro box(title, size=1) %}[{{ title }}{{ size }}{{ caller() if caller else '' }}]{% endmacro %}"
        "{% for n in [2] %}{{ box('a', size=n) }}{% call box('b') %}in{% endcall %}{% endfor %}")
    assert page.render() == "[a2][b1in]"


def test_a_callee_that_raises_stopiteration_gives_undefined(environment):
    environment.undefined = StrictUndefined

    def empty():
        raise StopIteration
    assert environment.from_string("{{ (f() is defined)|string }}").render(f=empty) == "False"
