// Calls the command and query services from Node.js (@grpc/grpc-js, stubs loaded from protos/ by
// @grpc/proto-loader at run time).
//
// Usage: node client.js --protos=DIR --target=HOST:PORT --query_target=HOST:PORT --org=ORG
//            --member=M (--tls_ca=FILE [--tls_cert=FILE --tls_key=FILE] [--tls_server_name=NAME]
//            | --insecure_plaintext) [--expect_code=CODE]
// The org must be the demo org of tests/support/demo_org.h with member M enrolled and empty.
// Mutual TLS with the client certificate and key, verifying the server against the CA bundle;
// without a certificate the channel is TLS all the same. --tls_server_name: the name to check the
// server's certificate against instead of the target's host (Node.js sends no IP address as the
// TLS server name). With --expect_code, one accrual must be
// refused with that status code (e.g. UNAUTHENTICATED) instead. Exits non-zero on the first
// failed check.
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const kDeadlineMs = 10000;

function parseArgs(argv) {
  const args = {};
  for (const arg of argv) {
    const match = /^--([a-z_]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}`);
    args[match[1]] = match[2] === undefined ? true : match[2];
  }
  for (const name of ['protos', 'target', 'query_target', 'org', 'member']) {
    if (!args[name]) throw new Error(`--${name} is required`);
  }
  return args;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function credentials(args) {
  if (args.insecure_plaintext) return grpc.credentials.createInsecure();
  check(args.tls_ca && !args.tls_cert === !args.tls_key,
        '--tls_ca, and --tls_cert with --tls_key or neither (or --insecure_plaintext)');
  const read = (file) => (file ? fs.readFileSync(file) : null);
  return grpc.credentials.createSsl(read(args.tls_ca), read(args.tls_key), read(args.tls_cert));
}

// A unary call as a promise.
function call(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + kDeadlineMs },
                   (error, response) => (error ? reject(error) : resolve(response)));
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const definition = protoLoader.loadSync(
      ['loyalty/v1/command.proto', 'loyalty/v1/query.proto'],
      { includeDirs: [args.protos], keepCase: true, longs: String, enums: String, defaults: true,
        oneofs: true });
  const v1 = grpc.loadPackageDefinition(definition).loyalty.v1;
  const creds = credentials(args);
  const options = args.tls_server_name ?
    { 'grpc.ssl_target_name_override': args.tls_server_name } : {};
  const commands = new v1.CommandService(args.target, creds, options);
  const queries = new v1.QueryService(args.query_target, creds, options);
  const purchase = {
    org_id: args.org, idempotency_key: `node-${process.pid}-${Date.now()}`,
    member_id: args.member, program_id: 'shop',
    purchase: { order_ref: 'node-order-1', amount: { minor_units: 25099, currency: 'USD' } },
  };

  if (args.expect_code) {
    const want = grpc.status[args.expect_code];
    check(want !== undefined, `unknown status code ${args.expect_code}`);
    const refused = await call(commands, 'Accrue', purchase).then(() => null, (error) => error);
    check(refused !== null, `an accrual was accepted, want ${args.expect_code}`);
    check(refused.code === want,
          `code ${grpc.status[refused.code]}, want ${args.expect_code}: ${refused.details}`);
    console.log(`node client: refused with ${args.expect_code} as expected`);
    return;
  }

  const accrued = await call(commands, 'Accrue', purchase);
  check(Number(accrued.points) === 250, `purchase earned ${accrued.points}, want 250`);
  check(Number(accrued.ledger_position) > 0, 'no ledger position');

  // Read your own write: the query waits until its views reflect the accrual's position.
  const read = await call(queries, 'GetBalances', {
    org_id: args.org, member_id: args.member, min_position: accrued.ledger_position,
  });
  check(BigInt(read.ledger_position) >= BigInt(accrued.ledger_position), 'read an older position');
  const shop = read.balances.programs.find((program) => program.program_id === 'shop');
  check(shop && Number(shop.available) === 250, `shop available ${shop && shop.available}`);
  check(Number(read.balances.group_available) === 250, 'group available');
  console.log('node client: 2 passed, 0 failed');
}

main().then(() => process.exit(0), (error) => {
  console.error(`node client (${path.basename(__filename)}): ${error.stack || error}`);
  process.exit(1);
});
