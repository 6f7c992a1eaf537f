"""The official kernel conformance suite (jupyter_kernel_test 0.4.5) against the optlab kernel.

Run through test/kernel/run-python.sh, which installs the kernelspec into a temporary prefix and
points JUPYTER_PATH at it. Every sample attribute that applies to a TypeScript kernel is filled in.

Skipped by design: test_pager (code_page_something). A pager payload is IPython's `?`/`%page`
mechanism; TypeScript has no such syntax, and documentation is served through inspect_request
(test_inspect) instead.
"""
import unittest

import jupyter_kernel_test

PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


class OptlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "optlab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs"}},
        {"text": "[1, 2].fla", "matches": {"flat", "flatMap"}},
        {"text": 'const optlabSample = { alpha: 1, beta: 2 };\noptlabSample.al', "matches": {"alpha"}},
    ]

    complete_code_samples = [
        "1 + 1",
        "const x = 1;",
        "function f(a: number): number {\n  return a * 2;\n}",
        "for (const i of [1, 2]) {\n  console.log(i);\n}",
        "",
    ]
    incomplete_code_samples = [
        "function f() {",
        "const xs = [1, 2,",
        "if (true) {\n  console.log(1);",
        "const s = `multi\nline",
        "/* an open comment",
    ]
    invalid_code_samples = [
        "1 +* 2)",
        "let = ;",
        "}",
        "const 1x = 2;",
    ]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "1 + 1", "result": "2"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": "const answer: number = 6 * 7;\nanswer", "result": "42"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.markdown("**bold**")', "mime": "text/markdown"},
        {"code": 'display.latex("$$\\\\nabla f(x) = 0$$")', "mime": "text/latex"},
        {"code": 'display.svg(\'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\')', "mime": "image/svg+xml"},
        {"code": 'display.png("%s")' % PNG_1x1, "mime": "image/png"},
        {"code": "display.json({ a: 1, b: [1, 2] })", "mime": "application/json"},
        {"code": 'display.plotly({ data: [{ x: [1, 2], y: [3, 4] }] })', "mime": "application/vnd.plotly.v1+json"},
        {"code": "display(objective(\"x^2 + y^2\"))", "mime": "text/latex"},
    ]

    code_history_pattern = "1*1"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = 'console.log("soon gone"); display.clear({ wait: true })'

    def test_pager(self):
        # The suite skips this silently when code_page_something is unset; say why in the output.
        self.skipTest("by design: pager payloads are IPython's `?`/`%page`; TypeScript has no such "
                      "syntax, and documentation is served through inspect_request (test_inspect)")


if __name__ == "__main__":
    # Any skip but the pager's means a sample attribute went missing: that fails the run.
    program = unittest.main(exit=False, verbosity=2)
    result = program.result
    others = [test.id() for test, _ in result.skipped if not test.id().endswith(".test_pager")]
    if others:
        print("skipped besides test_pager (a sample attribute is missing):", ", ".join(others))
    raise SystemExit(0 if result.wasSuccessful() and not others else 1)
