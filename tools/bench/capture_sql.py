#!/usr/bin/env python3
"""Turns the statements one command executed into a pgbench script.

Reads a PostgreSQL server log segment written with log_statement=all during exactly one
accrue or redeem (log_line_prefix '%m [%p] '), prints the number of statements (database round
trips: each libpq call is one) to stderr as `round_trips N`, and writes a pgbench script that
executes the same statements with the same SQL, in the same order, with these substitutions so
that every transaction is a new command on a random member of the data set:
  - the member id            -> ('bm-' || :member::text)
  - the idempotency key/order -> ('pgb-' || :client_id::text || '-' || :seq::text)
  - the operation id          -> :op, from `SELECT nextval('operation_ids') AS op \\gset`
  - a consumed lot's id       -> the member's first lot with enough points (the service picks
                                 the closest expiry; with the data set's never-expiring base
                                 points that is the same lot), then :lot_id (RETURNING \gset)
usage: capture_sql.py LOG_SEGMENT MEMBER_ID KEY OUT_SCRIPT
"""
import re
import sys

LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (LOG|DETAIL):  (.*)$")
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def parse(path):
    """[(name, sql, {n: literal})] in log order; name is None for simple statements."""
    statements = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for raw in log:
            match = LINE.match(raw.rstrip("\n"))
            if not match:
                continue
            kind, text = match.group(2), match.group(3)
            if kind == "LOG" and text.startswith("statement: "):
                statements.append((None, text[len("statement: "):], {}))
            elif kind == "LOG" and text.startswith("execute "):
                name, sql = text[len("execute "):].split(": ", 1)
                statements.append((name, sql, {}))
            elif kind == "DETAIL" and text.startswith("parameters: ") and statements:
                for number, value in PARAM.findall(text):
                    statements[-1][2][int(number)] = value
    return statements


def main():
    log_path, member_id, key, out_path = sys.argv[1:5]
    statements = parse(log_path)
    member, key_literal = f"'{member_id}'", f"'{key}'"
    operation_id = None
    for name, _, params in statements:
        if name == "operation_insert_entry":
            operation_id = params.get(3)
            break
    consumed_lots = {params.get(3) for name, _, params in statements
                     if name == "operation_consume_lot"}
    lines = ["\\set member random(0, :members - 1)",
             "\\set seq random(1, 9000000000000000000)"]
    for name, sql, params in statements:
        if name == "operation_next_id":
            lines.append("SELECT nextval('operation_ids') AS op \\gset")
            continue
        suffix = ";"
        for number in sorted(params, reverse=True):
            value = params[number]
            if value == member:
                value = "('bm-' || :member::text)"
            elif value == key_literal:
                value = "('pgb-' || :client_id::text || '-' || :seq::text)"
            elif operation_id is not None and value == operation_id:
                value = ":op"
            elif name != "operation_consume_lot" and value in consumed_lots:
                value = ":lot_id"
            elif name == "operation_consume_lot" and number == 3:
                value = ("(SELECT lot_id FROM lots WHERE org_id = $1 AND member_id = $2"
                         " AND remaining - held >= $4 ORDER BY lot_id LIMIT 1)")
                suffix = " \\gset"
            sql = sql.replace(f"${number}", value)
        if name == "operation_consume_lot":
            # The subquery above used $1, $2, $4: substitute them too.
            for number in sorted(params, reverse=True):
                sql = sql.replace(f"${number}", params[number] if params[number] != member
                                  else "('bm-' || :member::text)")
        lines.append(sql + suffix)
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print(f"round_trips {len(statements)}", file=sys.stderr)
    for name, sql, _ in statements:
        print(f"  {name or 'simple'}: {sql[:100]}", file=sys.stderr)


if __name__ == "__main__":
    main()
