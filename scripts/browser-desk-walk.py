#!/usr/bin/env python3
"""Walks the node's return-desk page (/desk) in headless Chromium, as a person at the desk would.

Drives a real Chromium through the DevTools protocol over --remote-debugging-pipe (standard
library only): opens the page, enters the staff name, finds the sale by receipt, asks for one
unit of line 1 back, checks the policy, records the return, then clicks through receipt, grading
(A), disposition, refund to the original tender (or, with `exchange`, an exchange for the same
SKU settled on card) and closing. Every click is a real DOM event in the page; every answer comes
from the node's API. Prints one JSON object with what the page showed at each step, and exits 0
when the return ended closed, 1 otherwise.

With `receiptless` it takes one unit of the first catalog item back without a receipt (the
RECEIPT argument is then the customer's id) and refunds it by bank transfer. With `serial` it
hands in the first serial of line 1 (serial-tracked goods; any mode does when the line has
serials) and refunds it like `refund`. With `repair` the unit is graded C and sent to repair
with a technician, refunded, and once the return is closed the repair is completed from the
desk's repair list, to B-grade stock, and the unit is sold again as B-grade from the stock list.
"Record return" is always clicked twice, as an impatient clerk would: one return is recorded.

The page is opened in LANG (zh-CN or en; en when not given) with `?lang=`; steps are found by
their `data-action` and statuses read from `data-status`, so the walk is the same in any
language. With SCREENSHOTS (a folder), it saves `desk-LANG.png` (the desk with the refunded
return) and `slip-LANG.png` (the slip as it prints on 80 mm paper, drawn 2.5 times larger).

When the store signs staff in, STAFF is `ID:PIN` and the walk signs in with them; with
DESK_WALK_MANAGER=ID:PIN in the environment, a step the desk says needs a manager is authorised
at the desk with the manager's staff ID and PIN, as a manager would.

Usage: browser-desk-walk.py CHROMIUM BASE_URL KEY RECEIPT STAFF [refund|exchange|receiptless|serial|repair] [LANG] [SCREENSHOTS]
(KEY: a key to the node's API, `returnsync node token add`; the page is given it in its address.)
Used by Tests/EndToEndTests/DeskBrowserTests.swift.
"""
import base64
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    """Chromium with the DevTools protocol on file descriptors 3 (commands) and 4 (answers)."""

    def __init__(self, chromium, profile):
        # Both pipes' ends are moved to descriptors of 10 and up, so that the shell below can put
        # them on 3 and 4, where --remote-debugging-pipe expects them, without one clobbering the other.
        def high(fd):
            moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
            os.close(fd)
            return moved
        to_chrome_r, to_chrome_w = map(high, os.pipe())
        from_chrome_r, from_chrome_w = map(high, os.pipe())
        self.to_chrome, self.from_chrome = to_chrome_w, from_chrome_r
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}', chromium,
             "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--user-data-dir=" + profile, "--remote-debugging-pipe", "about:blank"],
            pass_fds=(to_chrome_r, from_chrome_w), stdout=subprocess.DEVNULL, stderr=(None if os.environ.get("DESK_WALK_DEBUG") else subprocess.DEVNULL))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            answer = self.read()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        self.send("Runtime.enable")
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression):
        """Runs `expression` (an async function body) in the page and returns its JSON value."""
        result = self.send("Runtime.evaluate", {
            "expression": f"(async () => {{ {expression} }})()", "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"in the page: {result['exceptionDetails'].get('exception', {}).get('description', result)}")
        return result.get("result", {}).get("value")

    def wait_for(self, condition, what, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if self.evaluate(f"return !!({condition});"):
                    return
            except RuntimeError:
                pass  # the page is still loading (its elements are not there yet)
            time.sleep(0.1)
        problem = self.evaluate("const p = document.getElementById('problem'); return p && !p.hidden ? p.textContent : '';")
        raise RuntimeError(f"timed out waiting for {what}" + (f"; the page shows: {problem}" if problem else ""))

    def screenshot(self, path, media="screen", element=None, scale=1):
        """Saves the whole page (beyond the window), or only `element` (an id) drawn `scale` times
        larger, as a PNG, as it looks on `media`."""
        self.send("Emulation.setEmulatedMedia", {"media": media})
        options = {"format": "png", "captureBeyondViewport": True}
        if element:
            box = self.evaluate(f"const r = document.getElementById('{element}').getBoundingClientRect(); "
                                "return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height};")
            margin = 8
            options["clip"] = {"x": max(0, box["x"] - margin), "y": max(0, box["y"] - margin),
                               "width": box["width"] + 2 * margin, "height": box["height"] + 2 * margin, "scale": scale}
        shot = self.send("Page.captureScreenshot", options)
        self.send("Emulation.setEmulatedMedia", {"media": ""})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main():
    chromium, base, key, receipt, staff = sys.argv[1:6]
    mode = sys.argv[6] if len(sys.argv) > 6 else "refund"
    lang = sys.argv[7] if len(sys.argv) > 7 else "en"
    screenshots = sys.argv[8] if len(sys.argv) > 8 else None
    if screenshots:
        os.makedirs(screenshots, exist_ok=True)
    seen = {}
    with tempfile.TemporaryDirectory(prefix="desk-walk-") as profile:
        browser = Browser(chromium, profile)
        try:
            browser.open(base + "/desk?lang=" + lang + "#key=" + key)
            browser.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 860, "deviceScaleFactor": 1, "mobile": False})
            browser.wait_for("document.body && document.body.dataset.loaded", "the page to load")
            # The key moves into the browser's storage and out of the address bar.
            seen["address"] = browser.evaluate("return location.href;")
            seen["lang"] = browser.evaluate("return document.documentElement.lang;")
            seen["header"] = browser.evaluate("return document.getElementById('whoami').textContent;")
            # Who is at the desk, and which receipt: typed as a person would, then the Find button.
            if ":" in staff:
                who, pin = staff.split(":", 1)
                browser.wait_for("!document.getElementById('sign-in').hidden", "the sign-in form")
                browser.evaluate(f"""
                    document.getElementById('sign-in-staff').value = {json.dumps(who)};
                    document.getElementById('sign-in-pin').value = {json.dumps(pin)};
                    document.getElementById('sign-in-button').click();""")
                browser.wait_for("!document.getElementById('signed-in').hidden && document.body.dataset.loaded", "the sign-in")
                seen["signedIn"] = browser.evaluate("return document.getElementById('signed-in').textContent;")
            else:
                browser.evaluate(f"""
                    const staff = document.getElementById('staff');
                    staff.value = {json.dumps(staff)}; staff.dispatchEvent(new Event('change'));""")
            if mode == "receiptless":
                browser.evaluate("document.getElementById('no-receipt').click();")
                browser.wait_for("document.querySelector('#sale-lines tr[data-sku]')", "the receipt-less form")
                browser.evaluate(f"""
                    const customer = document.getElementById('customer');
                    customer.value = {json.dumps(receipt)}; customer.dispatchEvent(new Event('change'));""")
                browser.wait_for("document.getElementById('customer-info').textContent.length > 0", "the customer's history")
                # The goods come by courier, with its tracking number.
                browser.evaluate("""
                    const method = document.getElementById('return-method');
                    method.value = 'courier'; method.dispatchEvent(new Event('change'));
                    document.getElementById('tracking').value = 'SF1234567890';
                    document.getElementById('check').click();""")
            else:
                # RECEIPT `phone:NUMBER` finds the sale by the customer's phone instead.
                field, value = ("phone", receipt[len("phone:"):]) if receipt.startswith("phone:") else ("receipt", receipt)
                browser.evaluate(f"""
                    document.getElementById({json.dumps(field)}).value = {json.dumps(value)};
                    document.getElementById('search').click();""")
                browser.wait_for("!document.getElementById('sale').hidden", "the sale")
                if mode == "serial" or browser.evaluate(
                        "return !!document.querySelector('#sale-lines tr[data-line=\"1\"] [data-role=serials]');"):
                    # Serial-tracked goods: the first serial of line 1 is handed in.
                    seen["serial"] = browser.evaluate("""
                        const pick = document.querySelector('#sale-lines tr[data-line="1"] [data-role=serials]');
                        pick.options[0].selected = true; pick.dispatchEvent(new Event('change'));
                        document.getElementById('return-type').value = 'refund';
                        document.getElementById('check').click();
                        return pick.options[0].value;""")
                else:
                    browser.evaluate(f"""
                        const quantity = document.querySelector('#sale-lines tr[data-line="1"] input');
                        quantity.value = '1'; quantity.dispatchEvent(new Event('input'));
                        document.getElementById('return-type').value = {json.dumps("exchange" if mode == "exchange" else "refund")};
                        document.getElementById('check').click();""")
            seen["sale"] = browser.evaluate("return document.getElementById('sale-lines').innerText;")
            seen["customer"] = browser.evaluate("return document.getElementById('customer-info').textContent;")
            browser.wait_for("document.getElementById('verdict').textContent.length > 0", "the policy's verdict")
            seen["verdict"] = browser.evaluate("return document.getElementById('verdict').innerText;")
            # A double click, as an impatient clerk gives it: the second does nothing.
            browser.evaluate("const record = document.getElementById('record'); record.click(); record.click();")
            browser.wait_for("!document.getElementById('return').hidden", "the recorded return")
            seen["returnId"] = browser.evaluate("return document.getElementById('return-id').textContent;")
            seen["returnInfo"] = browser.evaluate("return document.getElementById('return-info').textContent;")
            statuses = [browser.evaluate("return document.getElementById('return-status').dataset.status;")]
            seen["statusShown"] = browser.evaluate("return document.getElementById('return-status').textContent;")

            manager = os.environ.get("DESK_WALK_MANAGER")

            def settle(done, what, before_authorising=None):
                """Waits for `done`; when the desk asks for a manager instead, the manager (from
                DESK_WALK_MANAGER) types their staff ID and PIN, and it waits again. True when a
                manager was asked."""
                if not manager:
                    browser.wait_for(done, what)
                    return False
                browser.wait_for(f"({done}) || !document.getElementById('authorise').hidden", what + " or a manager")
                if browser.evaluate(f"return {done};"):
                    return False
                if before_authorising:
                    before_authorising()
                who, pin = manager.split(":", 1)
                browser.evaluate(f"""
                    document.getElementById('authorise-staff').value = {json.dumps(who)};
                    document.getElementById('authorise-pin').value = {json.dumps(pin)};
                    document.getElementById('authorise-button').click();""")
                browser.wait_for(done, what)
                return True

            def asked(action):
                seen.setdefault("authorised", []).append(action)
                seen["needsManager"] = browser.evaluate("return document.getElementById('problem').innerText;")
                if screenshots and not os.path.exists(os.path.join(screenshots, f"authorise-{lang}.png")):
                    browser.screenshot(os.path.join(screenshots, f"authorise-{lang}.png"))

            def click(action, then_status):
                browser.evaluate(f"""
                    const button = document.querySelector('#actions button[data-action={action}]');
                    if (!button) throw new Error('no step {action} in: ' + document.getElementById('actions').innerText);
                    button.click();""")
                done = f"document.getElementById('return-status').dataset.status === {json.dumps(then_status)}"
                settle(done, then_status, lambda: asked(action))
                statuses.append(then_status)

            if statuses[-1] == "requested":
                click("approve", "approved")
            click("receive", "received")
            if mode == "repair":
                # Grade C (repairable): to a repair order with its technician.
                browser.evaluate("""for (const s of document.querySelectorAll('#actions select')) s.value = 'c';""")
                click("inspect", "inspected")
                browser.evaluate("""document.querySelector('#actions [data-role=technician]').value = '张师傅';""")
                click("dispose", "disposed")
            else:
                click("inspect", "inspected")  # grade A, the default
                click("dispose", "disposed")  # A: back to sellable stock
            if mode == "exchange":
                # The same SKU again (a swap), once the page has listed the catalog.
                browser.wait_for("document.querySelector('[data-role=exchange-sku]').options.length > 0", "the catalog")
                # The difference is shown before the exchange is done.
                browser.wait_for("document.querySelector('[data-role=exchange-preview]').textContent.length > 0", "the preview")
                seen["preview"] = browser.evaluate("return document.querySelector('[data-role=exchange-preview]').textContent;")
                click("exchange", "exchanged")  # difference settled on card, the default
            elif mode == "receiptless":
                # No sale, so no original tender: a bank transfer, with its reference.
                browser.evaluate("""
                    const m = document.querySelector('#actions select');
                    m.value = 'bankTransfer'; m.dispatchEvent(new Event('change'));
                    document.querySelector('[data-role=transfer-reference]').value = 'TRF-2026-0001';""")
                click("refund", "refunded")
            else:
                click("refund", "refunded")  # back on the original tender, the default
            seen["money"] = browser.evaluate("return document.getElementById('return-money').innerText;")
            # The refund's credit note (退款凭证): a button of its own, worded in the page's language.
            seen["creditNote"] = browser.evaluate("const b = document.querySelector('#credit-notes button'); return b ? b.textContent : '';")
            seen["lines"] = browser.evaluate("return document.getElementById('return-lines').innerText;")
            if screenshots:
                browser.screenshot(os.path.join(screenshots, f"desk-{lang}.png"))
            click("close", "closed")
            seen["slip"] = browser.evaluate("return document.getElementById('slip').textContent;")
            if mode == "repair":
                # The repair is done: 12.50 spent, back to B-grade stock to sell at 6.00.
                browser.wait_for("document.querySelector('#repair-list tr[data-repair]')", "the repair order")
                seen["repairs"] = browser.evaluate("return document.getElementById('repair-list').innerText;")
                browser.evaluate("""
                    const row = document.querySelector('#repair-list tr[data-repair]');
                    row.querySelector('[data-role=repair-cost]').value = '12.50';
                    row.querySelector('[data-role=repair-price]').value = '6.00';
                    row.querySelector('button[data-action=repair-repaired]').click();""")
                browser.wait_for("!document.querySelector('#repair-list tr[data-repair]')", "the repair to be finished")
                # The stock list refreshes on its own request: wait for the B-grade unit's resale form.
                browser.wait_for("document.querySelector('#stock-list [data-role=resale-price]')", "the B-grade unit in the stock list")
                seen["stockAfterRepair"] = browser.evaluate("return document.getElementById('stock-list').innerText;")
                # The repaired unit is sold again as B-grade, at its written-down value.
                browser.wait_for("document.querySelector('#stock-list [data-action=resell]')", "the B-grade unit")
                browser.evaluate(f"""
                    const form = document.querySelector('#stock-list [data-action=resell]').parentElement;
                    const serial = form.querySelector('[data-role=resale-serial]');
                    if (serial) serial.value = {json.dumps(seen.get("serial", ""))};
                    form.querySelector('[data-action=resell]').click();""")
                settle("document.getElementById('resale-result').textContent.length > 0", "the B-grade sale")
                seen["resale"] = browser.evaluate("return document.getElementById('resale-result').textContent;")
                if screenshots:
                    browser.screenshot(os.path.join(screenshots, f"resale-{lang}.png"))
            # The return number (as a scanner types it from the slip) finds the return again.
            browser.evaluate(f"""
                document.getElementById('return').hidden = true;
                document.getElementById('receipt').value = {json.dumps(seen["returnId"])};
                document.getElementById('search').click();""")
            browser.wait_for("!document.getElementById('return').hidden", "the return found by its number")
            seen["foundByNumber"] = browser.evaluate("return document.getElementById('return-id').textContent;")
            seen["barcode"] = browser.evaluate("const b = document.querySelector('#slip .barcode'); return b ? b.getAttribute('aria-label') : '';")
            if screenshots:
                # As a receipt printer would draw it (about 200 dots per inch), so the barcode reads back.
                browser.screenshot(os.path.join(screenshots, f"slip-{lang}.png"), media="print", element="slip", scale=2.5)
            seen["statuses"] = statuses
            seen["steps"] = browser.evaluate("return document.getElementById('return-steps').innerText;")
            seen["latest"] = browser.evaluate("return document.getElementById('latest-list').innerText;")
            seen["problem"] = browser.evaluate("const p = document.getElementById('problem'); return p.hidden ? '' : p.textContent;")
            # DESK_WALK_COUNT=LOCATION:N: a stock-take of the first product there, counted N, at the
            # end (authorised by the manager when it writes goods off).
            count = os.environ.get("DESK_WALK_COUNT")
            if count:
                location, counted = count.split(":", 1)
                browser.evaluate(f"""
                    document.getElementById('count-location').value = {json.dumps(location)};
                    document.getElementById('count-quantity').value = {json.dumps(counted)};
                    document.getElementById('count-record').click();""")
                settle("document.getElementById('count-result').textContent.length > 0", "the stock-take")
                seen["stocktake"] = browser.evaluate("return document.getElementById('count-result').textContent;")
                seen["stock"] = browser.evaluate("return document.getElementById('stock-list').innerText;")
            # DESK_WALK_ADJUST=REASON:N:NOTE: then an adjustment of the same product and location.
            adjust = os.environ.get("DESK_WALK_ADJUST")
            if adjust:
                reason, quantity, note = adjust.split(":", 2)
                browser.evaluate(f"""
                    document.getElementById('adjust-reason').value = {json.dumps(reason)};
                    document.getElementById('adjust-quantity').value = {json.dumps(quantity)};
                    document.getElementById('adjust-note').value = {json.dumps(note)};
                    document.getElementById('adjust-record').click();""")
                settle("document.getElementById('adjust-result').textContent.length > 0", "the adjustment")
                seen["adjustment"] = browser.evaluate("return document.getElementById('adjust-result').textContent;")
        except Exception as error:  # report what happened, as JSON, and fail
            seen["error"] = str(error)
        finally:
            browser.close()
    print(json.dumps(seen))
    return 0 if seen.get("statuses", [""])[-1] == "closed" and "error" not in seen else 1


if __name__ == "__main__":
    sys.exit(main())
