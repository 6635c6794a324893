/* global exports */
// A target function for the Function Compute destination: DTS (and this project) invoke it with
// {"Records":[…]} events, in binlog order. Try it locally:
//   npm run fc:local -- examples/fc-target --access-key-id dev --access-key-secret dev-secret
// and point a task's fc destination at endpoint http://127.0.0.1:9000 with the same key pair.
// Throwing makes the invocation fail: the task retries the same records, in order.
exports.handler = async (event, context) => {
  const { Records } = JSON.parse(event.toString('utf8'));
  for (const record of Records) {
    const row = record.isDdl ? record.sql : JSON.stringify(record.data[0]);
    context.logger.info(`${record.id} ${record.type} ${record.database}.${record.table} ${row}`);
  }
  return { received: Records.length };
};
