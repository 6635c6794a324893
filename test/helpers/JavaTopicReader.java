/*
 * Reads Kafka topics with the real Java client (kafka-clients from the stack's Kafka jars), the
 * way a Java consumer of DTS output would: its own LZ4, Snappy and GZIP codecs decompress the
 * batches. Run as a single-file source program (JDK 11+):
 *
 *   java -cp "<kafka libs>/*" test/helpers/JavaTopicReader.java <bootstrap> <timeoutMs> <topic>=<count>...
 *
 * Prints one line per message, in partition then offset order:
 *   <topic> TAB <partition> TAB <offset> TAB <value as UTF-8>
 * and exits 0 once every topic gave its count (then also checks nothing follows), 2 on timeout.
 * No consumer group: partitions are assigned and read from the beginning.
 */
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class JavaTopicReader {
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    String bootstrap = args[0];
    long timeoutMs = Long.parseLong(args[1]);
    Map<String, Integer> wanted = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].lastIndexOf('=');
      wanted.put(args[i].substring(0, eq), Integer.parseInt(args[i].substring(eq + 1)));
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CHECK_CRCS_CONFIG, "true");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    Map<String, List<String>> lines = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : wanted.keySet()) {
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs))) partitions.add(new TopicPartition(topic, p.partition()));
        lines.put(topic, new ArrayList<>());
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + timeoutMs;
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      while (!done(wanted, lines)) {
        if (System.currentTimeMillis() > deadline) {
          for (String topic : wanted.keySet()) System.err.println("timed out: " + topic + " " + lines.get(topic).size() + " of " + wanted.get(topic));
          print(out, records);
          System.exit(2);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records.add(r);
          lines.get(r.topic()).add("");
        }
      }
      // One more short poll: a topic holding more than its count shows up as extra lines.
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) records.add(r);
      print(out, records);
    }
  }

  private static boolean done(Map<String, Integer> wanted, Map<String, List<String>> lines) {
    for (Map.Entry<String, Integer> e : wanted.entrySet()) if (lines.get(e.getKey()).size() < e.getValue()) return false;
    return true;
  }

  private static void print(PrintStream out, List<ConsumerRecord<byte[], byte[]>> records) {
    records.sort((a, b) -> {
      int byTopic = a.topic().compareTo(b.topic());
      if (byTopic != 0) return byTopic;
      return a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset());
    });
    for (ConsumerRecord<byte[], byte[]> r : records) {
      out.print(r.topic() + "\t" + r.partition() + "\t" + r.offset() + "\t");
      out.print(new String(r.value(), StandardCharsets.UTF_8));
      out.print("\n");
    }
    out.flush();
  }
}
