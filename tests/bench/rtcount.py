#!/usr/bin/env python3
"""policyd's round trips for make bench, from `policyctl status --json`.

  rtcount.py add ACC BEFORE AFTER   adds AFTER - BEFORE to ACC (created if
                                    missing): requests, notifications and,
                                    where policyd counts them by kind
                                    ("round_trips"), each kind's
  rtcount.py show ACC RUNS          prints the totals per run: "R N" on the
                                    first line, then the kinds, one line

A status without the per-kind table (policyd before it had one) gives the
totals alone; a snapshot that is not JSON counts as nothing (the line says
so) rather than failing a benchmark run.
"""
import json
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def counts(st):
    """{'requests': n, 'notifications': n, 'kinds': {kind: [req, notif]}}"""
    kinds = {}
    for k, v in (st.get("round_trips") or {}).items():
        if isinstance(v, dict):
            kinds[k] = [int(v.get("requests", 0)), int(v.get("notifications", 0))]
    return {"requests": int(st.get("requests", 0)),
            "notifications": int(st.get("notifications", 0)), "kinds": kinds}


def add(acc_path, before_path, after_path):
    acc = load(acc_path) or {"requests": 0, "notifications": 0, "kinds": {}, "bad": 0}
    b, a = load(before_path), load(after_path)
    if b is None or a is None:
        acc["bad"] += 1
    else:
        b, a = counts(b), counts(a)
        acc["requests"] += a["requests"] - b["requests"]
        acc["notifications"] += a["notifications"] - b["notifications"]
        for k, (r, n) in a["kinds"].items():
            r0, n0 = b["kinds"].get(k, [0, 0])
            cur = acc["kinds"].setdefault(k, [0, 0])
            cur[0] += r - r0
            cur[1] += n - n0
    with open(acc_path, "w") as f:
        json.dump(acc, f)


def show(acc_path, runs):
    acc = load(acc_path) or {"requests": 0, "notifications": 0, "kinds": {}, "bad": 0}
    runs = max(int(runs), 1)
    print(acc["requests"] // runs, acc["notifications"] // runs)
    kinds = [(k, r / runs, n / runs) for k, (r, n) in acc["kinds"].items() if r or n]
    kinds.sort(key=lambda x: -(x[1] + x[2]))
    line = ", ".join("%s %.0f/%.0f" % k for k in kinds)
    if acc["bad"]:
        line += "%s(%d snapshots unreadable: not counted)" % ("; " if line else "", acc["bad"])
    print(line)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "add":
        add(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "show":
        show(*sys.argv[2:])
    else:
        sys.exit(__doc__)
