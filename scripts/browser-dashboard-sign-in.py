#!/usr/bin/env python3
"""Signs a head-office user in to the hub's dashboard (/dashboard) in headless Chromium, as they
would: opens the page in LANG, types the user ID and password into the sign-in form, waits for the
board to load, reads who the header says is signed in and what the page offers them (the journal
download, the exceptions' resolve buttons), then signs out and checks that the session cookie no
longer opens the API. Prints one JSON object with what it saw; exits 0 when the board loaded and
the sign-out held, 1 otherwise.

Usage: browser-dashboard-sign-in.py CHROMIUM BASE_URL USER PASSWORD [LANG] [SCREENSHOT]
(SCREENSHOT: a PNG path for the signed-in board.) With DASHBOARD_STORE=ID|NAME|ADDRESS|TAX-ID it
defines that store on the page, and with DASHBOARD_CATALOG=FILE it checks, then imports, that
catalog CSV, as a merchandiser would; with DASHBOARD_POLICY=LAYER|NAME|FROM|NO-REASON-DAYS|FEE-%|NOTE
it publishes the next version of that scope's rule, and with DASHBOARD_PREVIEW=STORE|RECEIPT it
asks what a return of that receipt's first line would get; with DASHBOARD_TIMELINE=1 it opens the first return's
timeline, and with DASHBOARD_RESOLVE=NOTE it resolves the first exception in the page's dialog
(DASHBOARD_RESOLVE_CODE=CODE: the first of that code).
The browser is driven with the same DevTools
client as scripts/browser-desk-walk.py. Used by Tests/EndToEndTests/DashboardBrowserTests.swift.
"""
import importlib.util
import json
import os
import sys
import tempfile

spec = importlib.util.spec_from_file_location(
    "desk_walk", os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser-desk-walk.py"))
desk_walk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(desk_walk)


def main():
    chromium, base, user, password = sys.argv[1:5]
    lang = sys.argv[5] if len(sys.argv) > 5 else "en"
    screenshot = sys.argv[6] if len(sys.argv) > 6 else None
    seen = {}
    with tempfile.TemporaryDirectory(prefix="dashboard-sign-in-") as profile:
        browser = desk_walk.Browser(chromium, profile)
        try:
            browser.open(base + "/dashboard?lang=" + lang)
            browser.send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
            browser.wait_for("document.getElementById('signin') && !document.getElementById('signin').hidden", "the sign-in form")
            # A wrong password first: the page says so in its language, and stays on the form.
            browser.evaluate(f"""
                document.getElementById('user').value = {json.dumps(user)};
                document.getElementById('password').value = 'not the password';
                document.getElementById('sign-in').click();""")
            browser.wait_for("!document.getElementById('problem').hidden", "the refusal")
            seen["refused"] = browser.evaluate("return document.getElementById('problem').textContent;")
            browser.evaluate(f"""
                document.getElementById('user').value = {json.dumps(user)};
                document.getElementById('password').value = {json.dumps(password)};
                document.getElementById('sign-in').click();""")
            browser.wait_for("document.body.dataset.loaded", "the board")
            seen["lang"] = browser.evaluate("return document.documentElement.lang;")
            seen["me"] = browser.evaluate("return document.getElementById('me').textContent;")
            seen["journal"] = browser.evaluate("return !document.getElementById('journal').hidden;")
            seen["resolveButtons"] = browser.evaluate(
                "return [...document.querySelectorAll('#exceptions button')].length;")
            seen["exceptions"] = browser.evaluate("return document.getElementById('exceptions').innerText;")
            # The session is in an HttpOnly cookie: the page's script cannot read it.
            seen["cookieVisible"] = browser.evaluate("return document.cookie.includes('returnsync_hub_session');")
            # DASHBOARD_STORE=ID|NAME|ADDRESS|TAX-ID: a merchandiser defines a store on the page.
            store = os.environ.get("DASHBOARD_STORE")
            if store:
                sid, name, address, tax = store.split("|")
                browser.evaluate(f"""
                    document.getElementById('store-id').value = {json.dumps(sid)};
                    document.getElementById('store-name').value = {json.dumps(name)};
                    document.getElementById('store-address').value = {json.dumps(address)};
                    document.getElementById('store-tax').value = {json.dumps(tax)};
                    document.getElementById('store-save').click();""")
                browser.wait_for(f"document.getElementById('stores').innerText.includes({json.dumps(name)})", "the store")
                seen["stores"] = browser.evaluate("return document.getElementById('stores').innerText;")
            # DASHBOARD_CATALOG=FILE: then the catalog, checked first, imported after.
            catalog = os.environ.get("DASHBOARD_CATALOG")
            if catalog:
                root = browser.send("DOM.getDocument")["root"]["nodeId"]
                node = browser.send("DOM.querySelector", {"nodeId": root, "selector": "#catalog-file"})["nodeId"]
                browser.send("DOM.setFileInputFiles", {"nodeId": node, "files": [os.path.abspath(catalog)]})
                for action, key in (("catalog-check", "catalogChecked"), ("catalog-import", "catalogImported")):
                    browser.evaluate(f"document.getElementById('catalog-result').replaceChildren(); document.getElementById('{action}').click();")
                    browser.wait_for("document.getElementById('catalog-result').textContent.length > 0", action)
                    seen[key] = browser.evaluate("return document.getElementById('catalog-result').innerText;")
            # DASHBOARD_POLICY=LAYER|NAME|FROM|NO-REASON-DAYS|FEE-%|NOTE: publish a rule's next version.
            policy = os.environ.get("DASHBOARD_POLICY")
            if policy:
                layer, name, start, days, fee, why = policy.split("|")
                browser.evaluate(f"""
                    document.getElementById('policy-layer').value = {json.dumps(layer)};
                    document.getElementById('policy-name').value = {json.dumps(name)};
                    document.getElementById('policy-from').value = {json.dumps(start)};
                    document.getElementById('policy-no-reason').value = {json.dumps(days)};
                    document.getElementById('policy-fee').value = {json.dumps(fee)};
                    document.getElementById('policy-note').value = {json.dumps(why)};
                    document.getElementById('policy-publish').click();""")
                browser.wait_for(f"document.getElementById('policies').innerText.includes({json.dumps(why)})", "the published rule")
                seen["policies"] = browser.evaluate("return document.getElementById('policies').querySelector('.body').innerText;")
            # DASHBOARD_PREVIEW=STORE|RECEIPT: what would a return of the receipt's first line get?
            preview = os.environ.get("DASHBOARD_PREVIEW")
            if preview:
                store_id, receipt = preview.split("|")
                browser.evaluate(f"""
                    document.getElementById('preview-store').value = {json.dumps(store_id)};
                    document.getElementById('preview-sale').value = {json.dumps(receipt)};
                    document.getElementById('preview-reason').value = 'changedMind';
                    document.getElementById('preview-condition').value = 'unopened';
                    document.getElementById('preview-run').click();""")
                browser.wait_for("document.getElementById('preview-result').textContent.length > 0", "the preview")
                seen["preview"] = browser.evaluate("return document.getElementById('preview-result').innerText;")
            # DASHBOARD_POLICY_SCREENSHOT=PNG: the policy section as it now stands.
            if os.environ.get("DASHBOARD_POLICY_SCREENSHOT"):
                browser.screenshot(os.environ["DASHBOARD_POLICY_SCREENSHOT"], element="policies")
            # DASHBOARD_TIMELINE=1: open the first return's timeline.
            if os.environ.get("DASHBOARD_TIMELINE"):
                browser.evaluate("document.querySelector('#returns button[data-return]').click();")
                browser.wait_for("!document.getElementById('timeline').hidden", "the timeline")
                seen["timeline"] = browser.evaluate("return document.getElementById('timeline').innerText;")
            # DASHBOARD_RESOLVE=NOTE: resolve the first exception in the page's dialog.
            note = os.environ.get("DASHBOARD_RESOLVE")
            if note:
                which = "#exceptions button[data-action=resolve]"
                if os.environ.get("DASHBOARD_RESOLVE_CODE"):
                    which += "[data-code=\"" + os.environ["DASHBOARD_RESOLVE_CODE"] + "\"]"
                browser.evaluate(f"document.querySelector({json.dumps(which)}).click();")
                browser.wait_for("document.getElementById('resolve-dialog').open", "the resolve dialog")
                seen["resolveAsks"] = browser.evaluate("return document.getElementById('resolve-what').textContent;")
                browser.evaluate(f"""
                    document.getElementById('resolve-note').value = {json.dumps(note)};
                    document.getElementById('resolve-save').click();""")
                browser.wait_for(f"document.getElementById('exceptions').innerText.includes({json.dumps(note)})", "the resolution")
                seen["exceptions"] = browser.evaluate("return document.getElementById('exceptions').innerText;")
            if screenshot:
                browser.screenshot(screenshot)
            browser.evaluate("document.getElementById('signout').click();")
            browser.wait_for("!document.getElementById('signin').hidden", "the sign-in form again")
            seen["afterSignOut"] = browser.evaluate("return (await fetch('/api/v1/me')).status;")
        except Exception as error:  # report what happened, as JSON, and fail
            seen["error"] = str(error)
        finally:
            browser.close()
    print(json.dumps(seen, ensure_ascii=False))
    return 0 if "error" not in seen and seen.get("afterSignOut") == 401 else 1


if __name__ == "__main__":
    sys.exit(main())
