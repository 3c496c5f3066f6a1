#!/usr/bin/env python3
"""Prometheus text scrapes for scripts/bench.sh: a counter's delta and a histogram quantile.

  prom.py scrape URL OUT                       save one /metrics scrape (exit 1 when unreachable)
  prom.py counter BEFORE AFTER NAME [L=V ...]  the counter's increase between two scrapes
  prom.py quantile BEFORE AFTER NAME Q [L=V ...]
                                               the Q-quantile (0..1) of the histogram's
                                               observations made between the two scrapes
Labels L=V select the series (other labels are summed over). A series or scrape that is missing
prints "n/a" (exit 0), so the script reports "not measured" instead of failing.

The quantile is computed like PromQL's histogram_quantile() on the bucket deltas: find the
bucket holding rank Q * count and interpolate linearly between its lower and upper bound (the
lowest bucket's lower bound is 0; a rank in the +Inf bucket gives the highest finite bound).
"""
import math
import re
import sys
import urllib.request

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{(name, ((label, value), ...)): float} of every sample in a text exposition."""
    samples = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if not match or line.startswith("#"):
            continue
        labels = tuple(sorted(LABEL.findall(match.group(2) or "")))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def select(samples, name, wanted, extra_label=None):
    """{extra_label value (or None): summed value} of `name` series whose labels match."""
    out = {}
    for (sample_name, labels), value in samples.items():
        if sample_name != name:
            continue
        labels = dict(labels)
        if any(labels.get(k) != v for k, v in wanted.items()):
            continue
        key = labels.get(extra_label) if extra_label else None
        out[key] = out.get(key, 0.0) + value
    return out


def counter_delta(before, after, name, wanted):
    """after - before of the summed series; None when the series is absent after."""
    now = select(after, name, wanted)
    if not now:
        return None
    return now[None] - select(before, name, wanted).get(None, 0.0)


def bucket_deltas(before, after, name, wanted):
    """[(upper bound, cumulative count)] of the histogram's increase, sorted by bound."""
    now = select(after, name + "_bucket", wanted, "le")
    then = select(before, name + "_bucket", wanted, "le")
    return sorted((float(le), count - then.get(le, 0.0)) for le, count in now.items())


def quantile(q, buckets):
    """histogram_quantile(q) over [(upper bound, cumulative count)]; None without observations."""
    if not buckets or buckets[-1][1] <= 0 or not math.isinf(buckets[-1][0]):
        return None
    total = buckets[-1][1]
    rank = q * total
    lower, below = 0.0, 0.0
    for upper, count in buckets:
        if count >= rank:
            if math.isinf(upper):
                return lower
            if count == below:
                return upper
            return lower + (upper - lower) * (rank - below) / (count - below)
        lower, below = upper, count
    return lower


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return parse(f.read())
    except OSError:
        return {}


def labels_of(arguments):
    return dict(argument.split("=", 1) for argument in arguments)


def scrape(url, out_path):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode("utf-8", "replace")
    except OSError as error:
        print(f"prom: {url}: {error}", file=sys.stderr)
        return 1
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(text)
    return 0


def show(value, digits=6):
    """A counter's whole number exactly (1610110, not 1.61011e+06); others to `digits`."""
    if value is None:
        return "n/a"
    if abs(value) < 1e15 and value == int(value):  # not inf or NaN, which int() refuses
        return str(int(value))
    return f"{value:.{digits}g}"


def main(argv):
    if len(argv) >= 3 and argv[0] == "scrape":
        return scrape(argv[1], argv[2])
    if len(argv) >= 4 and argv[0] == "counter":
        before, after = load(argv[1]), load(argv[2])
        print(show(counter_delta(before, after, argv[3], labels_of(argv[4:]))))
        return 0
    if len(argv) >= 5 and argv[0] == "quantile":
        before, after = load(argv[1]), load(argv[2])
        buckets = bucket_deltas(before, after, argv[3], labels_of(argv[5:]))
        print(show(quantile(float(argv[4]), buckets)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
