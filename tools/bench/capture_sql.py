#!/usr/bin/env python3
"""Turns the statements one call executed into a pgbench script (see benchmarks_method.md).

  capture_sql.py snapshot DATABASE_URL ORG MEMBER OUT_JSON
      the sequences' last values and MEMBER's lots, taken before and after the captured call
  capture_sql.py script LOG ANCHOR NEEDLE MEMBER ROUND_TRIPS BEFORE_JSON AFTER_JSON OUT_SCRIPT
      LOG: the server log segment written with log_statement=all and log_line_prefix '%m [%p] '
      during the call; ANCHOR: the statement name that identifies the call's backend (e.g.
      idempotency_claim) and NEEDLE: a text its parameters contain (the idempotency key, or the
      member id); ROUND_TRIPS: the round trips the service's metric counted for the call, or
      "n/a". Keeps only that backend's statements from the BEGIN before the anchor to the COMMIT
      after it; prints `statements N`, `round_trips N` (as replayed) and the listing to stderr.

The script replays the same SQL with the logged parameters except: the member id becomes
('bm-' || :member) with a random member from :first_member on (bench.sh sets it); the
idempotency key (and the order reference it doubles as) becomes a new key per transaction; an
integer the call took from a sequence becomes currval() of that sequence minus its distance
from the sequence's last value (the replay runs the same nextval statements first, on the same
connection); a lot of the member that existed before the call becomes the member's first lot
of the same program and point type with at least the points the call took from it. When
ROUND_TRIPS is 2 the statements are grouped into two pgbench pipelines: from BEGIN to the last
statement before the first data-modifying statement other than idempotency_claim, and the rest
through COMMIT; when it is 1, all of them form one pipeline. Otherwise each statement is sent alone.
"""
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field

LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (LOG|DETAIL):  (.*)$")
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
WITH_WRITE = re.compile(r"^\s*WITH\b.*\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE | re.DOTALL)
INTEGER = re.compile(r"^'(-?\d+)'$")
CLAIM = "idempotency_claim"
# The member reads that the command service skips when its cached state is current: their $3 is
# the cached state version (-1: none). A call that used its cache is replayed as one that does.
CACHED_READS = ("member_select_enrolments", "member_select_lots", "member_select_lot_summaries",
                "member_select_totals")
CURRENT_VERSION = "(SELECT state_version FROM members v WHERE v.org_id = $1 AND v.member_id = $2)"
MAX_IDS_PER_CALL = 1000  # values one call may take from one sequence


@dataclass
class Statement:
    pid: int
    name: str  # "" for simple-protocol and unnamed statements
    sql: str
    params: dict = field(default_factory=dict)  # {number: SQL literal}


def parse(lines):
    """[Statement] in log order, from log lines."""
    statements, last_by_pid = [], {}
    for raw in lines:
        match = LINE.match(raw.rstrip("\n"))
        if not match:
            continue
        pid, kind, text = int(match.group(1)), match.group(2), match.group(3)
        if kind == "LOG" and text.startswith("statement: "):
            statement = Statement(pid, "", text[len("statement: "):])
        elif kind == "LOG" and text.startswith("execute "):
            name, sql = text[len("execute "):].split(": ", 1)
            statement = Statement(pid, "" if name == "<unnamed>" else name, sql)
        elif kind == "DETAIL" and text.startswith("parameters: ") and pid in last_by_pid:
            for number, value in PARAM.findall(text):
                last_by_pid[pid].params[int(number)] = value
            continue
        else:
            continue
        statements.append(statement)
        last_by_pid[pid] = statement
    return statements


def is_begin(statement):
    return statement.sql.lstrip().upper().startswith(("BEGIN", "START TRANSACTION"))


def is_end(statement):
    return statement.sql.strip().upper() in ("COMMIT", "ROLLBACK", "END")


def transaction_of(statements, anchor, needle):
    """The anchor's backend's statements from its BEGIN to its COMMIT; [] when not found."""
    for index, statement in enumerate(statements):
        if statement.name == anchor and any(needle in v for v in statement.params.values()):
            break
    else:
        return []
    own = [(i, s) for i, s in enumerate(statements) if s.pid == statement.pid]
    position = next(k for k, (i, _) in enumerate(own) if i == index)
    start = next((k for k in range(position, -1, -1) if is_begin(own[k][1])), position)
    end = next((k for k in range(position, len(own)) if is_end(own[k][1])), len(own) - 1)
    return [s for _, s in own[start:end + 1]]


def is_write(statement):
    if statement.name == CLAIM:
        return False
    return bool(WRITE.match(statement.sql) or WITH_WRITE.match(statement.sql))


def round_trips(statements, measured):
    """The statements grouped as the service sends them: one pipeline when `measured` is 1, two
    when it is 2, otherwise each statement alone."""
    if measured == 1:
        return [statements]
    if measured != 2 or len(statements) <= 2:
        return [[s] for s in statements]
    first_write = next((i for i, s in enumerate(statements) if is_write(s)),
                       len(statements) - 1)
    first_write = max(first_write, 1)
    return [statements[:first_write], statements[first_write:]]


class Substitutions:
    """Maps logged parameter literals to pgbench expressions."""

    def __init__(self, member, key, before, after, org):
        self.member_literal = f"'{member}'"
        self.key = key
        self.org = org
        self.sequence_values = {}  # integer -> (sequence, distance from its last value)
        for name, last in after.get("sequences", {}).items():
            first = before.get("sequences", {}).get(name) or 0
            if last is None:
                continue
            for value in range(max(first + 1, last - MAX_IDS_PER_CALL + 1), last + 1):
                self.sequence_values[value] = (name, last - value)
        lots_before = {lot["lot_id"]: lot for lot in before.get("lots", [])}
        self.lots = {}  # lot id -> subquery picking a comparable lot of the replay's member
        offsets = {}
        for lot in after.get("lots", []):
            if lot["lot_id"] not in lots_before:
                continue
            points = lots_before[lot["lot_id"]]["remaining"] - lot["remaining"]
            if points <= 0:
                continue
            kind = (lot["program_id"], lot["point_type"], points)
            offset = offsets.get(kind, 0)
            offsets[kind] = offset + 1
            self.lots[lot["lot_id"]] = (
                f"(SELECT lot_id FROM lots WHERE org_id = {quote(org)}"
                f" AND member_id = {MEMBER} AND program_id = {quote(lot['program_id'])}"
                f" AND point_type = {quote(lot['point_type'])} AND remaining - held >= {points}"
                f" ORDER BY lot_id OFFSET {offset} LIMIT 1)")

    def expression(self, literal):
        if literal == self.member_literal:
            return MEMBER
        if self.key and literal == quote(self.key):
            return KEY
        if self.key and self.key in literal and not literal.startswith("'\\x"):
            parts = [quote(p) for p in literal[1:-1].replace("''", "'").split(self.key)]
            return "(" + f" || {KEY} || ".join(parts) + ")"
        integer = INTEGER.match(literal)
        if integer:
            value = int(integer.group(1))
            if value in self.sequence_values:
                # The sequence's last value is the session's own (currval); an earlier one was
                # drawn in a set that other sessions may interleave with, so any fresh value of
                # the sequence stands for it (such ids are used once: a new row's own id).
                name, distance = self.sequence_values[value]
                return f"nextval({quote(name)})" if distance else f"currval({quote(name)})"
            if value in self.lots:
                return self.lots[value]
        return literal


MEMBER = "('bm-' || :member::text)"
KEY = "('pgb-' || :client_id::text || '-' || :seq::text)"


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def replay_sql(statement, substitutions):
    sql = statement.sql
    if statement.name in CACHED_READS and statement.params.get(3) not in (None, "'-1'"):
        sql = sql.replace("$3", CURRENT_VERSION)
    for number in sorted(statement.params, reverse=True):
        sql = sql.replace(f"${number}", substitutions.expression(statement.params[number]))
    return sql + ";"


def pgbench_script(groups, substitutions):
    lines = ["\\set member random(:first_member, :first_member + :members - 1)",
             "\\set seq random(1, 9000000000000000000)"]
    for group in groups:
        if len(group) > 1:
            lines.append("\\startpipeline")
        lines.extend(replay_sql(s, substitutions) for s in group)
        if len(group) > 1:
            lines.append("\\endpipeline")
    return "\n".join(lines) + "\n"


def snapshot(url, org, member, out_path):
    query = (
        f"SELECT json_build_object('org', {quote(org)}, 'member', {quote(member)},"
        " 'sequences', (SELECT coalesce(json_object_agg(format('%I.%I', schemaname, sequencename),"
        " last_value), '{}') FROM pg_sequences),"
        f"'lots', (SELECT coalesce(json_agg(json_build_object('lot_id', lot_id, 'program_id',"
        " program_id, 'point_type', point_type, 'remaining', remaining) ORDER BY lot_id), '[]')"
        f" FROM lots WHERE org_id = {quote(org)} AND member_id = {quote(member)}))")
    text = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", query],
                          check=True, capture_output=True, text=True, timeout=60).stdout
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(text)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def script(argv):
    log_path, anchor, needle, member, measured, before, after, out_path = argv
    with open(log_path, encoding="utf-8", errors="replace") as log:
        statements = transaction_of(parse(log), anchor, needle)
    trips = int(measured) if measured.isdigit() else None
    groups = round_trips(statements, trips)
    before, after = load_json(before), load_json(after)
    substitutions = Substitutions(member, needle if anchor == CLAIM else "", before, after,
                                  after.get("org", "bench"))
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(pgbench_script(groups, substitutions))
    print(f"statements {len(statements)}", file=sys.stderr)
    print(f"round_trips {len(groups)}", file=sys.stderr)
    for number, group in enumerate(groups, 1):
        for s in group:
            print(f"  {number}: {s.name or 'simple'}: {s.sql[:90]}", file=sys.stderr)
    return 0 if statements else 1


def main(argv):
    if len(argv) == 5 and argv[0] == "snapshot":
        snapshot(*argv[1:])
        return 0
    if len(argv) == 9 and argv[0] == "script":
        return script(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
