// A worked example of the three services from Node.js (docs/api.md, "Worked examples").
//
// Enrols a member (AdminService), earns on an order and redeems (CommandService), reads the
// balances and the ledger entries back with read-your-writes (QueryService), and reads the
// reason of a refusal from its google.rpc.ErrorInfo.
//
// npm install @grpc/grpc-js @grpc/proto-loader protobufjs, then:
//   node walkthrough.js --protos=DIR --googleapis=DIR --command=HOST:PORT --query=HOST:PORT
//       --org=ORG --member=NEW_MEMBER --ca=ca.crt --cert=client.crt --key=client.key
//       [--server_name=NAME]
// --protos: the repository's protos/; --googleapis: a folder with google/rpc/status.proto and
// error_details.proto. The client certificate needs the admin, earn_burn and read roles on ORG
// (docs/security.md); ORG needs an active program "shop" that earns 1 point per USD.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const kDeadlineMs = 10000;

function parseArgs() {
  const args = {};
  for (const arg of process.argv.slice(2)) {
    const [, name, value] = /^--([a-z_]+)=(.*)$/.exec(arg) || [];
    if (!name) throw new Error(`unknown argument ${arg}`);
    args[name] = value;
  }
  for (const name of ['protos', 'googleapis', 'command', 'query', 'org', 'member', 'ca', 'cert',
                      'key']) {
    if (!args[name]) throw new Error(`--${name} is required`);
  }
  return args;
}

// A unary call as a promise.
function call(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + kDeadlineMs },
                   (error, response) => (error ? reject(error) : resolve(response)));
  });
}

// The reason code of a refused call: its google.rpc.ErrorInfo, from the status details.
function reasonOf(googleRpc, error) {
  const [bytes] = error.metadata.get('grpc-status-details-bin');
  if (!bytes) return '';
  const status = googleRpc.lookupType('google.rpc.Status').decode(bytes);
  const errorInfo = googleRpc.lookupType('google.rpc.ErrorInfo');
  const detail = status.details.find(
    (any) => any.type_url === 'type.googleapis.com/google.rpc.ErrorInfo');
  return detail ? errorInfo.decode(detail.value).reason : '';
}

async function main() {
  const args = parseArgs();
  const definition = protoLoader.loadSync(
    ['loyalty/v1/admin.proto', 'loyalty/v1/command.proto', 'loyalty/v1/query.proto'],
    { includeDirs: [args.protos], keepCase: true, longs: String, enums: String, defaults: true });
  const v1 = grpc.loadPackageDefinition(definition).loyalty.v1;
  const googleRpc = new protobuf.Root();
  googleRpc.resolvePath = (origin, target) => path.join(args.googleapis, target);
  googleRpc.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'],
                     { keepCase: true });

  const credentials = grpc.credentials.createSsl(
    fs.readFileSync(args.ca), fs.readFileSync(args.key), fs.readFileSync(args.cert));
  const options = args.server_name ? { 'grpc.ssl_target_name_override': args.server_name } : {};
  const admin = new v1.AdminService(args.command, credentials, options);
  const commands = new v1.CommandService(args.command, credentials, options);
  const queries = new v1.QueryService(args.query, credentials, options);
  const org = args.org;
  const member = args.member;
  // A new idempotency key per operation; a retry of it sends the same one.
  const key = () => crypto.randomUUID();

  // AdminService: the member, enrolled in the program "shop".
  const created = await call(admin, 'CreateMember', {
    idempotency_key: key(), org_id: org, member_id: member, program_ids: ['shop'],
  });
  console.log(`member ${created.member_id} enrolled in ` +
              created.enrolments.map((enrolment) => enrolment.program_id).join(', '));

  // CommandService: an order of 250.99 USD earns 250 points.
  const accrued = await call(commands, 'Accrue', {
    org_id: org, idempotency_key: key(), member_id: member, program_id: 'shop',
    purchase: { order_ref: 'order-1001', amount: { minor_units: 25099, currency: 'USD' } },
  });
  console.log(`earned ${accrued.points} points at ledger position ${accrued.ledger_position}`);

  // QueryService: the balances as of that position at least (read-your-writes). int64 fields
  // are strings here (longs: String), so that no position loses digits.
  const readBack = await call(queries, 'GetBalances', {
    org_id: org, member_id: member, min_position: accrued.ledger_position,
  });
  for (const program of readBack.balances.programs) {
    console.log(`${program.program_id} available ${program.available}`);
  }

  const redeemed = await call(commands, 'Redeem', {
    org_id: org, idempotency_key: key(), member_id: member, program_id: 'shop', points: 100,
    reward: 'coffee',
  });
  console.log(`redeemed ${redeemed.redemption.points} points ` +
              `(redemption ${redeemed.redemption.redemption_id})`);

  const entries = await call(queries, 'ListLedgerEntries', {
    org_id: org, member_id: member, min_position: redeemed.ledger_position, page_size: 10,
  });
  for (const entry of entries.entries) {
    const points = BigInt(entry.points);
    console.log(`ledger entry ${entry.kind} ${points > 0n ? '+' : ''}${points}`);
  }

  // A refusal: its status code, and the reason code in google.rpc.ErrorInfo.
  try {
    await call(commands, 'Redeem', {
      org_id: org, idempotency_key: key(), member_id: member, program_id: 'shop', points: 100000,
    });
  } catch (error) {
    console.log(`refused: ${grpc.status[error.code]} ${reasonOf(googleRpc, error)}`);
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(`walkthrough.js: ${error.stack || error}`);
  process.exit(1);
});
