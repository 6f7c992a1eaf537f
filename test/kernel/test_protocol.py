"""Protocol tests for the optlab kernel beyond the conformance suite, with Debian's jupyter_client.

Run through test/kernel/run-python.sh (installs the kernelspec into a temporary prefix).
"""
import os
import signal
import time
import unittest
import uuid
from queue import Empty

from jupyter_client.manager import KernelManager, start_new_kernel
from jupyter_client.session import Session

TIMEOUT = 30
# Generous bounds for a busy 2-core machine (CI gives no promise of quiet); each catches what it
# names while allowing a machine whose cores are all taken by other work.
# An interrupt is answered in well under a second on a quiet machine; a cell that does not yield
# to the event loop would never answer (the loops below run for minutes uninterrupted).
INTERRUPT_BOUND_S = 15
# A kernel exits within a second of shutdown_request on a quiet machine; one kept alive by a
# leftover timer or socket never would.
SHUTDOWN_BOUND_S = 15


def wait_started(kc, msg_id, timeout=TIMEOUT):
    """Wait for the kernel's execute_input of `msg_id` (the cell was taken up); other iopub messages are dropped."""
    deadline = time.time() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
            return


class KernelCase(unittest.TestCase):
    """One kernel for the whole class; helpers to run cells and collect their messages."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="optlab", startup_timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def drain_iopub(self, quiet=0.05):
        while True:
            try:
                self.kc.get_iopub_msg(timeout=quiet)
            except Empty:
                return

    def collect(self, msg_id, timeout=TIMEOUT):
        """iopub messages of a request, in order, from busy to idle (both included)."""
        msgs = []
        deadline = time.time() + timeout
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            msgs.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return msgs

    def reply_to(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while True:
            r = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if r["parent_header"].get("msg_id") == msg_id:
                return r

    def run_cell(self, code, timeout=TIMEOUT, **kw):
        """(reply content, iopub messages without status/execute_input)."""
        msg_id = self.kc.execute(code, **kw)
        reply = self.reply_to(msg_id, timeout)
        msgs = self.collect(msg_id, timeout)
        outs = [m for m in msgs if m["msg_type"] not in ("status", "execute_input")]
        return reply["content"], outs

    def value(self, code):
        reply, outs = self.run_cell(code)
        self.assertEqual(reply["status"], "ok", reply)
        results = [o for o in outs if o["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, outs)
        return results[0]["content"]["data"]["text/plain"]

    def stdout(self, outs):
        return "".join(o["content"]["text"] for o in outs if o["msg_type"] == "stream" and o["content"]["name"] == "stdout")


class ExecuteTests(KernelCase):
    def test_kernel_info(self):
        self.kc.kernel_info()
        r = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["protocol_version"], "5.3")
        self.assertEqual(r["implementation"], "optlab")
        self.assertEqual(r["language_info"]["name"], "typescript")
        self.assertEqual(r["language_info"]["file_extension"], ".ts")
        self.assertTrue(r["help_links"])

    def test_type_error_is_an_error_reply_in_cell_coordinates(self):
        reply, outs = self.run_cell('const okay = 1;\nconst s: string = 42;')
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "TSError")
        self.assertIn("line 2, column 7", reply["evalue"])
        self.assertIn("TS2322", reply["evalue"])
        self.assertEqual([o["msg_type"] for o in outs], ["error"])  # no stderr text besides
        self.assertTrue(any("const s: string = 42;" in line for line in outs[0]["content"]["traceback"]))

    def test_runtime_error_traceback_names_cell_lines(self):
        reply, outs = self.run_cell('function inner(o: any) {\n  return o.missing.field;\n}\n\ninner({});')
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "TypeError")
        tb = "\n".join(reply["traceback"])
        self.assertRegex(tb, r"at inner \(Cell In\[\d+\], line 2\)")
        self.assertRegex(tb, r"Cell In\[\d+\], line 5")
        self.assertIn("return o.missing.field;", tb)

    def test_dsl_error_shows_message_not_internals(self):
        reply, _ = self.run_cell('adam({ lr: -1 })')
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "DslError")
        self.assertIn("lr", reply["evalue"])
        tb = "\n".join(reply["traceback"])
        self.assertNotIn("dist/src", tb)
        self.assertRegex(tb, r"Cell In\[\d+\], line 1")

    def test_error_from_user_code_inside_optlab_collapses_optlab_frames(self):
        reply, _ = self.run_cell('const failingModel = { f: (x: number[]) => { throw new RangeError("model fails"); }, grad: (x: number[]) => [1] };\noptimize(failingModel, gd(), { from: [1] });')
        self.assertEqual(reply["ename"], "RangeError")
        tb = "\n".join(reply["traceback"])
        self.assertRegex(tb, r"at (Object\.)?f \(Cell In\[\d+\], line 1\)\n    … \d+ frames inside optlab\n    at Cell In\[\d+\], line 2")
        self.assertNotIn("dist/", tb)

    def test_a_failing_cell_keeps_the_declarations_that_completed(self):
        reply, _ = self.run_cell('const keptQ = objective("x^2");\noptimize(keptQ, adam(), { from: [1, 2] });')
        self.assertEqual(reply["ename"], "DslError")
        self.assertEqual(self.value("const keptVars: readonly string[] = keptQ.vars;\nkeptVars"), "[ 'x' ]")

    def test_declarations_and_types_carry_across_cells(self):
        self.run_cell("interface Pt { x: number; y: number }\nconst carried: Pt = { x: 1, y: 2 };")
        self.assertEqual(self.value("carried.x + carried.y"), "3")
        reply, _ = self.run_cell("const bad: Pt = { x: 1 };")
        self.assertEqual(reply["ename"], "TSError")

    def test_top_level_await(self):
        self.assertEqual(self.value("await new Promise<number>((r) => setTimeout(() => r(7), 10))"), "7")

    def test_prelude_names_and_shadowing(self):
        self.assertEqual(self.value("typeof objective + ' ' + typeof gradcheck + ' ' + typeof adam"), "'function function function'")
        self.run_cell("const sgd = 'shadowed';")
        self.assertEqual(self.value("sgd"), "'shadowed'")
        self.assertEqual(self.value('import { adam as a2 } from "optlab";\ntypeof a2'), "'function'")

    def test_process_exit_in_a_cell_is_an_error_not_the_end_of_the_kernel(self):
        self.run_cell('const beforeExit = "kept";')
        reply, outs = self.run_cell("process.exit(3);")
        self.assertEqual(reply["status"], "error", reply)
        self.assertEqual(reply["ename"], "ExitError", reply)
        self.assertIn("would end the kernel", reply["evalue"])
        self.assertTrue(self.km.is_alive())
        self.assertEqual(self.value("beforeExit"), "'kept'")

    def test_stream_text_after_an_async_chart_display_comes_after_it(self):
        code = (
            'display(plot.loss(optimize(objective("x^2 + y^2"), gd({ lr: 0.1 }), { from: [1, 1], steps: 10 })));\n'
            'console.log("after the chart");'
        )
        reply, outs = self.run_cell(code)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual([o["msg_type"] for o in outs], ["display_data", "stream"])

    def test_tslab_display_api_still_works(self):
        reply, outs = self.run_cell('import * as tslab from "tslab";\ntslab.display.html("<i>tslab</i>");')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertTrue(any(o["msg_type"] == "display_data" and "<i>tslab</i>" in o["content"]["data"].get("text/html", "") for o in outs), outs)

    def test_rich_display_of_a_dsl_object(self):
        reply, outs = self.run_cell('objective("x^2 + 3*y")')
        data = [o for o in outs if o["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertIn("text/latex", data)
        self.assertIn("text/plain", data)

    def test_silent_sends_no_output_and_keeps_the_count(self):
        before, _ = self.run_cell("1")
        msg_id = self.kc.execute('console.log("quiet"); 42', silent=True)
        reply = self.reply_to(msg_id)
        msgs = self.collect(msg_id)
        self.assertEqual([m["msg_type"] for m in msgs], ["status", "status"])
        self.assertEqual(reply["content"]["status"], "ok")
        after, _ = self.run_cell("1")
        self.assertEqual(after["execution_count"], before["execution_count"] + 1)

    def test_store_history_false(self):
        first, _ = self.run_cell("2")
        marker = "const notStored = %d;" % int(time.time())
        reply, _ = self.run_cell(marker, store_history=False)
        self.assertEqual(reply["status"], "ok")
        last, _ = self.run_cell("3")
        self.assertEqual(last["execution_count"], first["execution_count"] + 1)
        self.kc.history(hist_access_type="tail", n=50, output=False, raw=True)
        hist = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]["history"]
        self.assertNotIn(marker, [h[2] for h in hist])

    def test_user_expressions(self):
        reply, _ = self.run_cell("const ue = 21;", user_expressions={"double": "ue * 2", "broken": "ue.nope.nope", "obj": 'objective("x^2")'})
        ue = reply["user_expressions"]
        self.assertEqual(ue["double"]["status"], "ok")
        self.assertEqual(ue["double"]["data"]["text/plain"], "42")
        self.assertEqual(ue["broken"]["status"], "error")
        self.assertIn("ename", ue["broken"])
        self.assertIn("text/latex", ue["obj"]["data"])

    def test_stop_on_error_aborts_queued_cells(self):
        self.drain_iopub()
        # The two cells behind the first must reach the kernel before the first fails (they are
        # sent at once): the first waits 1 s, a generous bound for a busy machine, before failing.
        ids = [
            self.kc.execute('await new Promise((r) => setTimeout(r, 1000)); throw new Error("first fails")'),
            self.kc.execute("globalThis.__queuedRan = true;"),
            self.kc.execute("globalThis.__queuedRan2 = true;"),
        ]
        replies = [self.reply_to(i)["content"] for i in ids]
        self.assertEqual(replies[0]["status"], "error")
        self.assertEqual([r["status"] for r in replies[1:]], ["aborted", "aborted"])
        self.assertEqual(self.value("String(globalThis.__queuedRan) + String(globalThis.__queuedRan2)"), "'undefinedundefined'")
        # without stop_on_error the next cell runs
        ids = [self.kc.execute('throw new Error("x")', stop_on_error=False), self.kc.execute("globalThis.__ranAfter = 1;")]
        replies = [self.reply_to(i)["content"] for i in ids]
        self.assertEqual([r["status"] for r in replies], ["error", "ok"])

    def test_every_output_arrives_before_idle(self):
        code = 'for (let i = 0; i < 40; i++) console.log("line " + i);\nconsole.error("err");\ndisplay.html("<b>h</b>");\nawait new Promise((r) => setTimeout(r, 1));\ndisplay.markdown("*m*");\n"done"'
        for _ in range(40):
            msg_id = self.kc.execute(code)
            msgs = self.collect(msg_id)
            types = [m["msg_type"] for m in msgs]
            self.assertEqual(types[0], "status")
            self.assertEqual(types[-1], "status")
            text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
            self.assertEqual(text, "".join("line %d\n" % i for i in range(40)))
            self.assertIn("err", "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"))
            self.assertEqual(types.count("display_data"), 2)
            self.assertEqual(types.count("execute_result"), 1)
            self.assertLess(types.index("display_data"), types.index("execute_result"))
            self.reply_to(msg_id)
        # nothing for these requests arrives after their idle
        time.sleep(0.3)
        while True:
            try:
                m = self.kc.get_iopub_msg(timeout=0.1)
            except Empty:
                break
            self.assertNotIn(m["msg_type"], ("stream", "display_data", "execute_result"), m)

    def test_display_update_in_place(self):
        reply, outs = self.run_cell('const id = display("first", { displayId: true });\ndisplay("second", { displayId: id, update: true });')
        self.assertEqual(reply["status"], "ok", reply)
        kinds = [(o["msg_type"], o["content"].get("transient", {}).get("display_id")) for o in outs]
        self.assertEqual(kinds[0][0], "display_data")
        self.assertEqual(kinds[1][0], "update_display_data")
        self.assertTrue(kinds[0][1])
        self.assertEqual(kinds[0][1], kinds[1][1])

    def test_clear_output(self):
        reply, outs = self.run_cell('console.log("a"); display.clear({ wait: true }); console.log("b")')
        types = [o["msg_type"] for o in outs]
        self.assertEqual(types, ["stream", "clear_output", "stream"])
        self.assertTrue(outs[1]["content"]["wait"])

    def test_output_of_a_finished_cell_goes_to_that_cell(self):
        first = self.kc.execute('setTimeout(() => console.log("late output"), 200); "scheduled"')
        self.reply_to(first)
        self.collect(first)
        reply, outs = self.run_cell("await new Promise((r) => setTimeout(r, 600)); 1")
        self.assertNotIn("late output", self.stdout(outs))

    def test_complete_and_inspect_count_code_points(self):
        code = 'const emoji = "😀😀"; Math.ab'
        self.kc.complete(code, len(code))
        r = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertEqual(r["matches"], ["abs"])
        self.assertEqual(r["cursor_start"], len(code) - 2)
        self.assertEqual(r["cursor_end"], len(code))
        self.kc.inspect("objective", 9)
        r = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertTrue(r["found"])
        self.assertIn("objective", r["data"]["text/plain"])

    def test_inspect_shows_the_docs_of_namespace_members(self):
        for code, words in (("plot.loss", "Loss curves of runs"), ("curvature.trace", "Hutchinson")):
            self.kc.inspect(code, len(code))
            r = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
            self.assertTrue(r["found"], code)
            self.assertIn(words, r["data"]["text/plain"], code)

    def test_is_complete(self):
        for code, status in [("1 +", "incomplete"), ("const a = {", "incomplete"), ("a b c", "invalid"), ("let q = 1", "complete")]:
            self.kc.is_complete(code)
            r = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
            self.assertEqual(r["status"], status, code)
            if status == "incomplete":
                self.assertIn("indent", r)

    def test_history_tail_range_search(self):
        self.run_cell("const histMarker = 'zq' + 'zq';")
        self.kc.history(hist_access_type="search", pattern="*histMarker*", output=False, raw=True)
        hits = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]["history"]
        self.assertGreaterEqual(len(hits), 1)
        session, line = hits[-1][0], hits[-1][1]
        self.kc.history(hist_access_type="range", session=session, start=line, stop=line + 1, output=False, raw=True)
        self.assertEqual(self.kc.get_shell_msg(timeout=TIMEOUT)["content"]["history"], [[session, line, "const histMarker = 'zq' + 'zq';"]])

    def test_prompt_sends_an_input_request(self):
        msg_id = self.kc.execute('const who = prompt("Your name?");\nwho.toUpperCase()', allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(req["msg_type"], "input_request")
        self.assertEqual(req["content"]["prompt"], "Your name?")
        self.assertFalse(req["content"]["password"])
        self.kc.input("ada")
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        outs = self.collect(msg_id)
        self.assertEqual([o for o in outs if o["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "'ADA'")
        reply, _ = self.run_cell('prompt("no stdin")', allow_stdin=False)
        self.assertEqual(reply["status"], "error")
        self.assertIn("allow_stdin", reply["evalue"])

    def test_comms(self):
        reply, _ = self.run_cell(
            'comms.registerTarget("echo", (comm, open) => {\n'
            '  comm.send({ opened: open.content.data });\n'
            '  comm.onMsg = (m) => comm.send({ echo: m.content.data });\n'
            '});'
        )
        self.assertEqual(reply["status"], "ok", reply)
        self.drain_iopub()
        comm_id = uuid.uuid4().hex
        shell = self.kc.shell_channel
        opened = self.kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {"x": 1}})
        shell.send(opened)
        msgs = self.collect(opened["header"]["msg_id"])
        sent = [m for m in msgs if m["msg_type"] == "comm_msg"]
        self.assertEqual(sent[0]["content"]["data"], {"opened": {"x": 1}})
        self.kc.comm_info(target_name="echo")
        info = self.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertEqual(info["status"], "ok")
        self.assertEqual(info["comms"].get(comm_id), {"target_name": "echo"})
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"hello": "there"}})
        shell.send(msg)
        echoed = [m for m in self.collect(msg["header"]["msg_id"]) if m["msg_type"] == "comm_msg"]
        self.assertEqual(echoed[0]["content"]["data"], {"echo": {"hello": "there"}})
        close = self.kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}})
        shell.send(close)
        self.collect(close["header"]["msg_id"])
        self.kc.comm_info()
        self.assertNotIn(comm_id, self.kc.get_shell_msg(timeout=TIMEOUT)["content"]["comms"])
        # a target nobody registered: the kernel closes the comm
        unknown = self.kc.session.msg("comm_open", {"comm_id": "c2", "target_name": "nobody", "data": {}})
        shell.send(unknown)
        closes = [m for m in self.collect(unknown["header"]["msg_id"]) if m["msg_type"] == "comm_close"]
        self.assertEqual(closes[0]["content"]["comm_id"], "c2")

    def test_forged_signature_is_rejected_and_the_kernel_survives(self):
        forger = Session(key=b"not-the-key", username="mallory")
        msg = forger.msg("execute_request", {"code": "globalThis.__forged = 1;", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        forger.send(self.kc.shell_channel.socket, msg)
        with self.assertRaises(Empty):
            while True:
                r = self.kc.get_shell_msg(timeout=1.5)
                if r["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                    break
        self.assertEqual(self.value("String(globalThis.__forged)"), "'undefined'")
        # a replay of a correctly signed message is rejected too
        good = self.kc.session.msg("execute_request", {"code": "globalThis.__replays = (globalThis.__replays ?? 0) + 1;", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        frames = self.kc.session.serialize(good)
        sock = self.kc.shell_channel.socket
        sock.send_multipart(frames)
        self.reply_to(good["header"]["msg_id"])
        sock.send_multipart(frames)
        time.sleep(0.5)
        self.assertEqual(self.value("globalThis.__replays"), "1")

    def test_heartbeat_answers_while_a_cell_computes(self):
        msg_id = self.kc.execute("const until = Date.now() + 4000; while (Date.now() < until) {}")
        time.sleep(3.2)
        self.assertTrue(self.kc.hb_channel.is_beating())
        self.assertEqual(self.reply_to(msg_id)["content"]["status"], "ok")


def settled(name):
    """A cell that waits until the variable `name` leaves "running" (the run's promise settled: the
    event), at most INTERRUPT_BOUND_S, then shows it."""
    return ('for (const until = Date.now() + %d; %s === "running" && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));\n%s'
            % (INTERRUPT_BOUND_S * 1000, name, name))


class InterruptTests(KernelCase):
    def interrupt_after(self, code, delay):
        """Interrupt `delay` s after the kernel took the cell up (time for it to get into its work:
        compiling takes milliseconds); the reply must come within INTERRUPT_BOUND_S."""
        self.run_cell("const keptState = 'still here';")
        msg_id = self.kc.execute(code)
        wait_started(self.kc, msg_id)
        time.sleep(delay)
        t0 = time.time()
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=2 * INTERRUPT_BOUND_S)["content"]
        elapsed = time.time() - t0
        self.collect(msg_id)
        return reply, elapsed

    def assert_interrupted(self, reply, elapsed):
        self.assertEqual(reply["status"], "error", reply)
        self.assertEqual(reply["ename"], "KeyboardInterrupt", reply)
        self.assertLess(elapsed, INTERRUPT_BOUND_S)
        self.assertEqual(self.value("keptState"), "'still here'")

    def test_interrupt_busy_loop(self):
        self.assert_interrupted(*self.interrupt_after("let spins = 0;\nwhile (true) { spins++; }", 1.0))

    def test_interrupt_awaited_promise(self):
        self.assert_interrupted(*self.interrupt_after("await new Promise((r) => setTimeout(r, 60000));", 1.0))

    def test_interrupt_microtask_loop(self):
        # jupyter_client interrupts as the kernelspec says: interrupt_request on control
        self.assert_interrupted(*self.interrupt_after("async function m() { while (true) { await Promise.resolve(); } }\nawait m();", 1.0))

    def test_interrupt_synchronous_code_after_an_await(self):
        self.assert_interrupted(*self.interrupt_after("await null;\nwhile (true) {}", 1.0))

    def test_interrupted_work_does_not_leak_into_the_next_cell(self):
        # The interrupted cell's continuation is released by the next cell itself (an event, not a
        # timer racing the interrupt): it runs while that cell runs, and its output must not show there.
        reply, _ = self.interrupt_after('await new Promise((r) => { (globalThis as any).__release = r; });\nconsole.log("LEAKED");', 0.4)
        self.assertEqual(reply["ename"], "KeyboardInterrupt")
        reply, outs = self.run_cell('(globalThis as any).__release();\nawait new Promise((r) => setImmediate(r));\nconsole.log("next");')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(self.stdout(outs), "next\n")

    def test_interrupt_long_synchronous_optimize(self):
        code = (
            "const slow = { f: (x: number[]) => { const t = Date.now(); while (Date.now() - t < 2) {} return x[0] ** 2 + x[1] ** 2; },\n"
            "  grad: (x: number[]) => [2 * x[0], 2 * x[1]] };\n"
            "optimize(slow, gd({ lr: 1e-6 }), { from: [1, 1], steps: 100000 });"
        )
        self.assert_interrupted(*self.interrupt_after(code, 1.0))

    def test_interrupt_long_optimize_async(self):
        self.run_cell("let ticks = 0;")
        code = (
            "const slowA = { f: (x: number[]) => { const t = Date.now(); while (Date.now() - t < 1) {} return x[0] ** 2 + x[1] ** 2; },\n"
            "  grad: (x: number[]) => [2 * x[0], 2 * x[1]] };\n"
            "await optimizeAsync(slowA, gd({ lr: 1e-6 }), { from: [1, 1], steps: 200000, progressEvery: 20, onProgress: () => { ticks++; } });"
        )
        self.assert_interrupted(*self.interrupt_after(code, 1.5))
        # the run itself stopped (the DSL reads the cell's abort signal): no more progress
        reply, outs = self.run_cell("const t0 = ticks;\nawait new Promise((r) => setTimeout(r, 500));\nticks - t0")
        self.assertEqual([o for o in outs if o["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "0")

    def interrupt_sweep(self, backend, delay, steps=2000000):
        # The sweep itself must stop (the DSL reads the cell's abort signal), not just the cell:
        # its promise then rejects with "aborted", which a later cell reads. (A float64 sweep
        # reads the signal between runs: with runs long enough to block the kernel past the
        # interrupt's grace time, the kernel ends the code instead, and the promise never settles.)
        self.run_cell('let sweepOutcome = "running";')
        code = (
            'const grid = { lr: Array.from({ length: 40 }, (_, i) => 1e-4 * (i + 1)), m: Array.from({ length: 40 }, (_, i) => i / 41) };\n'
            "try {\n"
            f'  await sweep(objective("(1 - x)^2 + 100*(y - x^2)^2"), {{ optimizer: (h) => momentum({{ lr: h.lr, momentum: h.m }}), grid, from: [-1.2, 1], steps: {steps}, backend: "{backend}" }});\n'
            '  sweepOutcome = "finished";\n'
            "} catch (e) { sweepOutcome = (e as { code?: string }).code ?? String(e); throw e; }"
        )
        self.assert_interrupted(*self.interrupt_after(code, delay))
        self.assertEqual(self.value(settled("sweepOutcome")), "'aborted'")

    def test_interrupt_long_sweep_float64(self):
        self.interrupt_sweep("float64", 1.0, steps=20000)

    def test_interrupt_long_sweep_wasm(self):
        self.interrupt_sweep("wasm", 2.5)  # the wasm backend starts in about a second

    def test_interrupt_long_optimize_wasm(self):
        # optimize(..., { backend: "wasm" }) is a promise whose tfjs loop must give the event loop
        # a turn (for the SIGINT handler) and read the cell's signal: the run itself stops.
        self.run_cell('let runOutcome = "running";')
        code = (
            "try {\n"
            '  await optimize(objective("(1 - x)^2 + 100*(y - x^2)^2"), gd({ lr: 1e-5 }), { from: [-1.2, 1], steps: 2000000, tol: 0, backend: "wasm" });\n'
            '  runOutcome = "finished";\n'
            "} catch (e) { runOutcome = (e as { code?: string }).code ?? String(e); throw e; }"
        )
        self.assert_interrupted(*self.interrupt_after(code, 2.5))
        self.assertEqual(self.value(settled("runOutcome")), "'aborted'")

    def test_interrupt_prompt(self):
        self.run_cell("1")
        msg_id = self.kc.execute('prompt("waiting")', allow_stdin=True)
        self.kc.get_stdin_msg(timeout=TIMEOUT)
        t0 = time.time()
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=10)["content"]
        self.assertEqual(reply["ename"], "KeyboardInterrupt")
        self.assertLess(time.time() - t0, INTERRUPT_BOUND_S)
        self.collect(msg_id)
        self.assertEqual(self.value("1 + 1"), "2")


class UncaughtErrorTests(KernelCase):
    """Errors nobody caught (a rejected promise nobody awaits, a throwing timer) are shown, IPython-like,
    and never end the kernel — also after the wasm backend loaded (its emscripten runtime adds
    process listeners that rethrow) and with listeners like those added by a cell."""

    def stderr(self, outs):
        return "".join(o["content"]["text"] for o in outs if o["msg_type"] == "stream" and o["content"]["name"] == "stderr")

    def assert_alive(self):
        self.assertTrue(self.km.is_alive())
        self.assertEqual(self.value("1 + 1"), "2")

    def assert_shown(self, make_error, marker):
        # in the cell itself, before its idle
        reply, outs = self.run_cell('Promise.reject(new Error("%s in the cell")); "done"' % marker)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertRegex(self.stderr(outs), r"Unhandled promise rejection:\n.*Error.*: %s in the cell\n    at Cell In\[\d+\], line 1" % marker)
        # a throwing timer while its cell still waits
        reply, outs = self.run_cell('setTimeout(() => { throw new Error("%s timer"); }, 0);\nawait new Promise((r) => setTimeout(r, 100));\n"waited"' % marker)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertRegex(self.stderr(outs), r"Uncaught exception:\n.*Error.*: %s timer\n    at Timeout._onTimeout \(Cell In\[\d+\], line 1\)" % marker)
        # after its cell finished: on the next cell, saying where it came from
        first, _ = self.run_cell(make_error)
        # The next cell waits for the late error to have been raised (its flag; the event), so it is
        # shown on this cell whether it came before the cell started or while it ran.
        reply, outs = self.run_cell(
            "for (const until = Date.now() + 30000; !(globalThis as any).__lateRaised && Date.now() < until;) await new Promise((r) => setTimeout(r, 5));\n"
            "(globalThis as any).__lateRaised = false;\n3")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertIn("(in work started by Cell In[%d])" % first["execution_count"], self.stderr(outs))
        self.assertIn("%s late" % marker, self.stderr(outs))
        self.assert_alive()

    def test_errors_nobody_caught_are_shown_and_the_kernel_survives_the_wasm_backend(self):
        late_timer = 'setTimeout(() => { (globalThis as any).__lateRaised = true; throw new Error("%s late"); }, 50); 1'
        late_rejection = 'setTimeout(() => { (globalThis as any).__lateRaised = true; void Promise.reject(new Error("%s late")); }, 50); 1'
        self.assert_shown(late_timer % "before", "before")
        reply, outs = self.run_cell('const wasmRun = await optimize(objective("x^2+y^2"), adam(), { from: [1, 1], backend: "wasm" });\nwasmRun.message')
        self.assertEqual(reply["status"], "ok", reply)
        self.assert_shown(late_rejection % "wasm", "wasm")
        self.assert_shown(late_timer % "wasm2", "wasm2")
        # WebGPU where it starts (Dawn; lavapipe in CI)
        if self.value('(await backends()).available.includes("webgpu")') == "true":
            reply, _ = self.run_cell('await optimize(objective("x^2+y^2"), adam(), { from: [1, 1], steps: 5, backend: "webgpu" });')
            self.assertEqual(reply["status"], "ok", reply)
            self.assert_shown(late_rejection % "webgpu", "webgpu")
        # listeners a cell adds that rethrow, as emscripten's do, cannot end the kernel either
        self.run_cell('process.on("unhandledRejection", (r) => { throw r; });\nprocess.on("uncaughtException", (e) => { throw e; });')
        self.assert_shown(late_rejection % "foreign", "foreign")


class LifecycleTests(unittest.TestCase):
    def start(self):
        km = KernelManager(kernel_name="optlab")
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        return km, kc

    def test_shutdown_exits_promptly(self):
        km, kc = self.start()
        try:
            kc.execute_interactive("const x = 1;", timeout=TIMEOUT)
            t0 = time.time()
            kc.shutdown()  # on the control channel
            reply = kc.get_control_msg(timeout=TIMEOUT)
            self.assertEqual(reply["msg_type"], "shutdown_reply")
            self.assertEqual(reply["content"]["status"], "ok")
            while km.is_alive() and time.time() - t0 < 2 * SHUTDOWN_BOUND_S:
                time.sleep(0.02)
            self.assertFalse(km.is_alive())
            self.assertLess(time.time() - t0, SHUTDOWN_BOUND_S)
        finally:
            kc.stop_channels()
            if km.is_alive():
                km.shutdown_kernel(now=True)

    def test_shutdown_during_a_running_cell(self):
        km, kc = self.start()
        # jupyter_client sends SIGTERM after half of shutdown_wait_time and SIGKILL at its end: with
        # 60 s, an exit within SHUTDOWN_BOUND_S is the kernel's own, on a busy machine too.
        km.shutdown_wait_time = 60
        try:
            wait_started(kc, kc.execute("await new Promise((r) => setTimeout(r, 60000));"))
            t0 = time.time()
            km.shutdown_kernel(now=False)
            self.assertFalse(km.is_alive())
            self.assertLess(time.time() - t0, SHUTDOWN_BOUND_S)
        finally:
            kc.stop_channels()

    def test_optlab_resolves_wherever_the_notebook_lives(self):
        import tempfile
        with tempfile.TemporaryDirectory() as outside:
            km = KernelManager(kernel_name="optlab")
            km.start_kernel(cwd=outside)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=60)
                code = 'import { objective as obj } from "optlab";\nconst o: Objective = obj("x^2");\n[process.cwd(), o.vars.join(",")].join(" ")'
                results = []
                r = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda m: results.append(m) if m["msg_type"] == "execute_result" else None)
                self.assertEqual(r["content"]["status"], "ok", r["content"])
                self.assertEqual(results[0]["content"]["data"]["text/plain"], "'%s x'" % os.path.realpath(outside))
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)

    def test_restart_gives_a_fresh_kernel(self):
        km, kc = self.start()
        try:
            r = kc.execute_interactive("const beforeRestart = 5;", timeout=TIMEOUT)
            self.assertEqual(r["content"]["status"], "ok")
            pid = km.provisioner.process.pid
            km.restart_kernel(now=False)
            self.assertNotEqual(km.provisioner.process.pid, pid)
            kc.wait_for_ready(timeout=60)
            r = kc.execute_interactive("typeof beforeRestart", timeout=TIMEOUT, output_hook=lambda m: None)
            # a fresh session: the name is gone (a type error, since the checker does not know it)
            self.assertEqual(r["content"]["status"], "error")
            self.assertEqual(r["content"]["ename"], "TSError")
            r = kc.execute_interactive("1 + 1", timeout=TIMEOUT, output_hook=lambda m: None)
            self.assertEqual(r["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
