import kafkajs from 'kafkajs';
const { Kafka, logLevel } = kafkajs;
const k = new Kafka({ brokers: ['127.0.0.1:19092'], logLevel: logLevel.NOTHING });
let fail = 0;
for (let i = 0; i < 40; i++) {
  const admin = k.admin(); await admin.connect();
  try {
    await Promise.all([1,2,3].map(j => admin.createTopics({ topics: [{ topic: `flaky_probe_${process.pid}_${i}_${j}`, numPartitions: 8 }], waitForLeaders: true })));
  } catch (e) { fail++; console.log(i, e.type, e.message); }
  await admin.disconnect();
}
console.log('failures', fail);
const admin = k.admin(); await admin.connect();
await admin.deleteTopics({ topics: (await admin.listTopics()).filter(t => t.startsWith(`flaky_probe_${process.pid}_`)) });
await admin.disconnect();
