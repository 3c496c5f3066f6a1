#!/usr/bin/env python3
"""The layering rules of docs/architecture.md, checked over the source tree.

  check_layers.py ROOT         exits 1 naming every include or call that breaks a rule
  check_layers.py --self-test  checks that each rule catches a file that breaks it
"""
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')

# What the pure domain must not reach: protobuf, gRPC, libpq, the other libraries, the clock.
LEDGER_FORBIDDEN_INCLUDES = [
    (re.compile(r'^google/protobuf/|\.pb\.h$'), 'protobuf'),
    (re.compile(r'^grpc|^grpcpp/'), 'gRPC'),
    (re.compile(r'libpq'), 'libpq'),
    (re.compile(r'^libs/(pg|rpc|store|wire)/'), 'a library outside the domain'),
    (re.compile(r'^services/|^tools/'), 'a service'),
    (re.compile(r'^libs/base/clock\.h$|^chrono$|^thread$|^mutex$|synchronization/'),
     'the clock or threads'),
]
LEDGER_FORBIDDEN_CALLS = [
    (re.compile(r'\babsl::Now\s*\(|\bsystem_clock\b|\bsteady_clock\b'), 'the clock'),
    (re.compile(r'\bstd::thread\b|\babsl::Mutex\b|\bstd::mutex\b'), 'threads'),
]
# The conversion library: domain values and messages only.
WIRE_FORBIDDEN_INCLUDES = [
    (re.compile(r'^grpc|^grpcpp/|libpq|^libs/(pg|rpc|store)/|^services/|^tools/'),
     'I/O (gRPC, PostgreSQL) or a service'),
]


def sources(root, folder):
    base = os.path.join(root, folder)
    for directory, _, names in os.walk(base):
        for name in sorted(names):
            if name.endswith(('.h', '.cc')):
                path = os.path.join(directory, name)
                yield os.path.relpath(path, root), path


def includes(path):
    with open(path, encoding='utf-8') as source:
        for number, line in enumerate(source, 1):
            found = INCLUDE.match(line)
            if found:
                yield number, found.group(1)


def check(root):
    problems = []
    services = sorted(os.listdir(os.path.join(root, 'services')))
    for service in services:
        for name, path in sources(root, os.path.join('services', service)):
            for number, included in includes(path):
                other = re.match(r'^services/([^/]+)/', included)
                if other and other.group(1) != service:
                    problems.append(f'{name}:{number}: services/{service} includes {included}:'
                                    ' what two services share belongs in libs/')
    for name, path in sources(root, 'libs'):
        for number, included in includes(path):
            if included.startswith(('services/', 'tools/', 'tests/')):
                problems.append(f'{name}:{number}: a library includes {included}')
    rules = [('libs/ledger', LEDGER_FORBIDDEN_INCLUDES), ('libs/wire', WIRE_FORBIDDEN_INCLUDES)]
    for folder, forbidden in rules:
        for name, path in sources(root, folder):
            for number, included in includes(path):
                for pattern, what in forbidden:
                    if pattern.search(included):
                        problems.append(f'{name}:{number}: {folder} includes {included} ({what})')
    for name, path in sources(root, 'libs/ledger'):
        with open(path, encoding='utf-8') as source:
            for number, line in enumerate(source, 1):
                code = line.split('//', 1)[0]
                for pattern, what in LEDGER_FORBIDDEN_CALLS:
                    if pattern.search(code):
                        problems.append(f'{name}:{number}: libs/ledger uses {what}')
    return problems


def self_test():
    breaking = {
        'services/query/a.cc': '#include "services/command/catalog.h"\n',
        'libs/store/b.cc': '#include "services/command/accrue.h"\n',
        'libs/ledger/c.cc': '#include "loyalty/v1/common.pb.h"\n',
        'libs/ledger/d.cc': '#include <grpcpp/grpcpp.h>\n',
        'libs/ledger/e.cc': '#include <libpq-fe.h>\n',
        'libs/ledger/f.cc': '#include "libs/base/clock.h"\n',
        'libs/ledger/g.cc': 'absl::Time t = absl::Now();\n',
        'libs/ledger/h.cc': '#include "libs/pg/transaction.h"\n',
        'libs/wire/i.cc': '#include "libs/pg/result.h"\n',
    }
    allowed = {
        'services/query/ok.cc': '#include "services/query/queries.h"\n#include "libs/store/x.h"\n',
        'libs/ledger/ok.cc': '#include "libs/ledger/types.h"\n// absl::Now() in a comment\n',
    }
    with tempfile.TemporaryDirectory() as root:
        for name, text in {**breaking, **allowed}.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            with open(os.path.join(root, name), 'w', encoding='utf-8') as out:
                out.write(text)
        os.makedirs(os.path.join(root, 'services/command'), exist_ok=True)
        problems = check(root)
    failures = [name for name in breaking if not any(p.startswith(name) for p in problems)]
    failures += [name for name in allowed if any(p.startswith(name) for p in problems)]
    for name in failures:
        print(f'self-test: the rules misjudge {name}')
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ['--self-test']:
        return self_test()
    problems = check(sys.argv[1])
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
