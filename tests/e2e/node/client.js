// Calls the command and query services from Node.js (@grpc/grpc-js, stubs loaded from protos/ by
// @grpc/proto-loader at run time).
//
// Usage: node client.js --protos=DIR --googleapis=DIR --target=HOST:PORT --query_target=HOST:PORT
//            --org=ORG --member=M (--tls_ca=FILE [--tls_cert=FILE --tls_key=FILE]
//            [--tls_server_name=NAME] | --insecure_plaintext) [--expect_code=CODE]
// --googleapis: the folder of google/rpc/status.proto and error_details.proto (Debian's
// golang-github-gogo-googleapis-dev), whose messages (protobufjs) read the refusals' details.
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
const protobuf = require('protobufjs');

const kDeadlineMs = 10000;

function parseArgs(argv) {
  const args = {};
  for (const arg of argv) {
    const match = /^--([a-z_]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}`);
    args[match[1]] = match[2] === undefined ? true : match[2];
  }
  for (const name of ['protos', 'googleapis', 'target', 'query_target', 'org', 'member']) {
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

// google.rpc.Status and its error details, from the canonical proto files (google/protobuf/*
// are protobufjs' own copies).
function loadGoogleRpc(dir) {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => path.join(dir, target);
  return root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'],
                       { keepCase: true });
}

// Any.Is: whether `any` holds a message of `type`.
function anyIs(any, type) {
  return any.type_url === `type.googleapis.com/${type.fullName.slice(1)}`;
}

// The google.rpc.Status of a refused call's grpc-status-details-bin trailer, checked against the
// call's code and message.
function statusDetails(rpc, error) {
  const bytes = error.metadata.get('grpc-status-details-bin');
  check(bytes.length === 1, `${bytes.length} status details: ${error.code} ${error.details}`);
  const status = rpc.lookupType('google.rpc.Status').decode(bytes[0]);
  check(status.code === error.code, `details code ${status.code}, want ${error.code}`);
  check(status.message === error.details, `details message '${status.message}'`);
  return status;
}

// The one detail of `typeName` ("google.rpc.ErrorInfo"), by Any.Is and Any.Unpack (the message
// the type URL names, decoded from the Any's bytes).
function unpack(rpc, status, typeName) {
  const type = rpc.lookupType(typeName);
  const found = status.details.filter((any) => anyIs(any, type));
  check(found.length === 1, `${found.length} ${typeName} in the details`);
  const named = found[0].type_url.slice(found[0].type_url.lastIndexOf('/') + 1);
  return rpc.lookupType(named).decode(found[0].value);
}

// A call that must be refused with `code`: its google.rpc.ErrorInfo (domain loyalty.v1) and
// google.rpc.Status.
async function refusal(rpc, client, method, request, code) {
  const error = await call(client, method, request).then(() => null, (failed) => failed);
  check(error !== null, `${method} was accepted, want ${code}`);
  check(error.code === grpc.status[code], `code ${grpc.status[error.code]}: ${error.details}`);
  const status = statusDetails(rpc, error);
  const info = unpack(rpc, status, 'google.rpc.ErrorInfo');
  check(info.domain === 'loyalty.v1', `domain ${info.domain}`);
  return { error, status, info };
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

  // Refusals carry real google.rpc details: ErrorInfo with the reason (not repeated in the
  // message), and BadRequest naming an invalid field.
  const rpc = loadGoogleRpc(args.googleapis);
  const redeem = (points) => ({
    org_id: args.org, idempotency_key: `node-${process.pid}-${Date.now()}-${points}`,
    member_id: args.member, program_id: 'shop', points,
  });
  const short = await refusal(rpc, commands, 'Redeem', redeem(100000), 'FAILED_PRECONDITION');
  check(short.info.reason === 'INSUFFICIENT_POINTS', `reason ${short.info.reason}`);
  check(!short.error.details.includes('INSUFFICIENT_POINTS'),
        `the message repeats the reason: ${short.error.details}`);
  const invalid = await refusal(rpc, commands, 'Redeem', redeem(-5), 'INVALID_ARGUMENT');
  check(invalid.info.reason === 'INVALID_FIELD', `reason ${invalid.info.reason}`);
  check(invalid.info.metadata.field === 'points', `metadata ${JSON.stringify(invalid.info)}`);
  const badRequest = unpack(rpc, invalid.status, 'google.rpc.BadRequest');
  check(badRequest.field_violations.length === 1 &&
        badRequest.field_violations[0].field === 'points' &&
        badRequest.field_violations[0].description !== '',
        `field violations ${JSON.stringify(badRequest)}`);
  console.log('node client: 4 passed, 0 failed');
}

main().then(() => process.exit(0), (error) => {
  console.error(`node client (${path.basename(__filename)}): ${error.stack || error}`);
  process.exit(1);
});
