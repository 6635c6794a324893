/*
 * The official MaxCompute Java SDK (com.aliyun.odps:odps-sdk-core) as an independent judge of the
 * local endpoint and of our writer. Run as a single-file source program (JDK 11+):
 *
 *   java -Duser.timezone=UTC -cp "<odps libs>/*" test/helpers/JavaOdpsTool.java \
 *        <endpoint> <project> <accessKeyId> <accessKeySecret> <stsToken|-> <command> <args>...
 *
 * Commands (one JSON line per result on stdout):
 *   read <table>            every partition (Table.getPartitions), each through a TableTunnel download
 *                           session: {"partition":"k=v,…"|null,"values":{"col":value,…}} per row.
 *                           Values are rendered canonically: integer types, DECIMAL (toPlainString),
 *                           DOUBLE/FLOAT (Java toString) as strings; STRING/VARCHAR/CHAR/JSON as text;
 *                           BINARY as hex; DATETIME as epoch milliseconds (string); DATE as yyyy-MM-dd;
 *                           TIMESTAMP and TIMESTAMP_NTZ as "epochSeconds.nnnnnnnnn"; BOOLEAN as a
 *                           JSON boolean; NULL as null.
 *   schema <table>          {"columns":[{"name","type","comment"}],"partitionKeys":[…]} from Table.getSchema()
 *   write <table> <jsonl> [--partition=k=v,…] [--create-partition] [--deflate] [--blocks=N] [--commit-blocks=0,1,…]
 *                           uploads the rows (one JSON object per line, column → value in the forms
 *                           above) through the SDK's own upload session, N blocks round robin, then
 *                           commit(blocks) (the blocks written, or the list given); prints
 *                           {"uploadId","blocks","records"}.
 *   sql <statement>         SQLTask.run(...).waitForSuccess(); prints {"ok":true}.
 * On failure: exit 1 and one JSON line on stderr {"error","message","status","code"}.
 */
import com.aliyun.odps.Column;
import com.aliyun.odps.Instance;
import com.aliyun.odps.Odps;
import com.aliyun.odps.OdpsException;
import com.aliyun.odps.OdpsType;
import com.aliyun.odps.Partition;
import com.aliyun.odps.PartitionSpec;
import com.aliyun.odps.Table;
import com.aliyun.odps.TableSchema;
import com.aliyun.odps.account.Account;
import com.aliyun.odps.account.AliyunAccount;
import com.aliyun.odps.account.StsAccount;
import com.aliyun.odps.data.Binary;
import com.aliyun.odps.data.Char;
import com.aliyun.odps.data.Record;
import com.aliyun.odps.data.RecordReader;
import com.aliyun.odps.data.RecordWriter;
import com.aliyun.odps.data.SimpleJsonValue;
import com.aliyun.odps.data.Varchar;
import com.aliyun.odps.rest.RestException;
import com.aliyun.odps.task.SQLTask;
import com.aliyun.odps.tunnel.TableTunnel;
import com.aliyun.odps.tunnel.TunnelException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

public class JavaOdpsTool {
  static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  static PrintStream out;

  public static void main(String[] args) throws Exception {
    out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try {
      String endpoint = args[0], project = args[1], id = args[2], secret = args[3], token = args[4], command = args[5];
      Account account = "-".equals(token) ? new AliyunAccount(id, secret) : new StsAccount(id, secret, token);
      Odps odps = new Odps(account);
      odps.setEndpoint(endpoint);
      odps.setDefaultProject(project);
      switch (command) {
        case "read": read(odps, project, args[6]); break;
        case "schema": schema(odps, args[6]); break;
        case "write": write(odps, project, args); break;
        case "sql": sql(odps, args[6]); break;
        default: throw new IllegalArgumentException("unknown command " + command + " (read, schema, write, sql)");
      }
      out.flush();
      // The SDK's background pools (e.g. its usage-log uploader) are not daemon threads.
      System.exit(0);
    } catch (Exception e) {
      JsonObject err = new JsonObject();
      err.addProperty("error", e.getClass().getName());
      StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) message.append(" | caused by ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
      err.addProperty("message", message.toString());
      // The HTTP status and error code of the server's answer, wherever the SDK wrapped it.
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof OdpsException && ((OdpsException) c).getStatus() != null && !err.has("status")) err.addProperty("status", ((OdpsException) c).getStatus());
        if (c instanceof OdpsException && ((OdpsException) c).getErrorCode() != null && !err.has("code")) err.addProperty("code", ((OdpsException) c).getErrorCode());
        if (c instanceof RestException && !err.has("code")) err.addProperty("code", ((RestException) c).getErrorMessage().getErrorcode());
      }
      System.err.println(GSON.toJson(err));
      System.exit(1);
    }
  }

  static void read(Odps odps, String project, String tableName) throws Exception {
    Table table = odps.tables().get(tableName);
    TableSchema schema = table.getSchema();
    TableTunnel tunnel = new TableTunnel(odps);
    if (schema.getPartitionColumns().isEmpty()) {
      readSession(tunnel.createDownloadSession(project, tableName), null);
      return;
    }
    for (Partition partition : table.getPartitions()) {
      PartitionSpec spec = partition.getPartitionSpec();
      readSession(tunnel.createDownloadSession(project, tableName, spec), spec.toString(false, false));
    }
  }

  static void readSession(TableTunnel.DownloadSession session, String partition) throws Exception {
    long count = session.getRecordCount();
    if (count == 0) return;
    List<Column> columns = session.getSchema().getColumns();
    try (RecordReader reader = session.openRecordReader(0, count)) {
      Record r;
      long n = 0;
      while ((r = reader.read()) != null) {
        JsonObject row = new JsonObject();
        row.add("partition", partition == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(partition));
        JsonObject values = new JsonObject();
        for (int i = 0; i < columns.size(); i++) values.add(columns.get(i).getName(), render(r.get(i)));
        row.add("values", values);
        out.println(GSON.toJson(row));
        n++;
      }
      if (n != count) throw new IllegalStateException("the download session announced " + count + " records, the reader gave " + n);
    }
  }

  static JsonElement render(Object v) {
    if (v == null) return JsonNull.INSTANCE;
    if (v instanceof Boolean) return new com.google.gson.JsonPrimitive((Boolean) v);
    String s;
    if (v instanceof byte[]) s = new String((byte[]) v, StandardCharsets.UTF_8);
    else if (v instanceof Binary) s = hex(((Binary) v).data());
    else if (v instanceof BigDecimal) s = ((BigDecimal) v).toPlainString();
    else if (v instanceof ZonedDateTime) s = Long.toString(((ZonedDateTime) v).toInstant().toEpochMilli());
    else if (v instanceof java.sql.Date) s = ((java.sql.Date) v).toLocalDate().toString();
    else if (v instanceof java.sql.Timestamp) s = stamp(((java.sql.Timestamp) v).toInstant());
    else if (v instanceof Date) s = Long.toString(((Date) v).getTime());
    else if (v instanceof Instant) s = stamp((Instant) v);
    else if (v instanceof LocalDateTime) s = stamp(((LocalDateTime) v).toInstant(ZoneOffset.UTC));
    else if (v instanceof LocalDate) s = v.toString();
    else s = v.toString();
    return new com.google.gson.JsonPrimitive(s);
  }

  static String stamp(Instant i) {
    return i.getEpochSecond() + "." + String.format("%09d", i.getNano());
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x));
    return sb.toString();
  }

  static byte[] unhex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }

  static void schema(Odps odps, String tableName) throws Exception {
    TableSchema schema = odps.tables().get(tableName).getSchema();
    JsonObject doc = new JsonObject();
    doc.add("columns", columnsJson(schema.getColumns()));
    doc.add("partitionKeys", columnsJson(schema.getPartitionColumns()));
    out.println(GSON.toJson(doc));
  }

  static JsonArray columnsJson(List<Column> columns) {
    JsonArray a = new JsonArray();
    for (Column c : columns) {
      JsonObject o = new JsonObject();
      o.addProperty("name", c.getName());
      o.addProperty("type", c.getTypeInfo().getTypeName());
      o.addProperty("comment", c.getComment() == null ? "" : c.getComment());
      a.add(o);
    }
    return a;
  }

  static void write(Odps odps, String project, String[] args) throws Exception {
    String tableName = args[6];
    List<String> lines = Files.readAllLines(Paths.get(args[7]), StandardCharsets.UTF_8);
    String partition = null;
    boolean createPartition = false, deflate = false;
    int blocks = 1;
    Long[] commitBlocks = null;
    for (int i = 8; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--partition=")) partition = a.substring("--partition=".length());
      else if (a.equals("--create-partition")) createPartition = true;
      else if (a.equals("--deflate")) deflate = true;
      else if (a.startsWith("--blocks=")) blocks = Integer.parseInt(a.substring("--blocks=".length()));
      else if (a.startsWith("--commit-blocks=")) {
        String[] ids = a.substring("--commit-blocks=".length()).split(",");
        commitBlocks = new Long[ids.length];
        for (int k = 0; k < ids.length; k++) commitBlocks[k] = Long.parseLong(ids[k]);
      } else throw new IllegalArgumentException("unknown write option " + a);
    }
    TableTunnel tunnel = new TableTunnel(odps);
    TableTunnel.UploadSession session;
    if (partition == null) {
      session = tunnel.createUploadSession(project, tableName);
    } else {
      PartitionSpec spec = new PartitionSpec(partition);
      if (createPartition) odps.tables().get(tableName).createPartition(spec, true);
      session = tunnel.createUploadSession(project, tableName, spec);
    }
    List<Column> columns = session.getSchema().getColumns();
    List<RecordWriter> writers = new ArrayList<>();
    for (int b = 0; b < blocks; b++) writers.add(session.openRecordWriter(b, deflate));
    int n = 0;
    for (String line : lines) {
      if (line.trim().isEmpty()) continue;
      JsonObject row = JsonParser.parseString(line).getAsJsonObject();
      Record r = session.newRecord();
      for (int i = 0; i < columns.size(); i++) {
        JsonElement v = row.get(columns.get(i).getName());
        if (v != null && !v.isJsonNull()) r.set(i, value(columns.get(i), v));
      }
      writers.get(n % blocks).write(r);
      n++;
    }
    Long[] written = new Long[blocks];
    for (int b = 0; b < blocks; b++) {
      writers.get(b).close();
      written[b] = (long) b;
    }
    session.commit(commitBlocks != null ? commitBlocks : written);
    JsonObject result = new JsonObject();
    result.addProperty("uploadId", session.getId());
    result.addProperty("blocks", blocks);
    result.addProperty("records", n);
    out.println(GSON.toJson(result));
  }

  static Object value(Column column, JsonElement v) {
    String s = v.getAsString();
    OdpsType type = column.getTypeInfo().getOdpsType();
    switch (type) {
      case BIGINT: return Long.parseLong(s);
      case INT: return Integer.parseInt(s);
      case SMALLINT: return Short.parseShort(s);
      case TINYINT: return Byte.parseByte(s);
      case BOOLEAN: return v.getAsBoolean();
      case DOUBLE: return Double.parseDouble(s);
      case FLOAT: return Float.parseFloat(s);
      case STRING: return s;
      case VARCHAR: return new Varchar(s);
      case CHAR: return new Char(s);
      case JSON: return new SimpleJsonValue(s);
      case BINARY: return new Binary(unhex(s));
      case DECIMAL: return new BigDecimal(s);
      case DATETIME: return Instant.ofEpochMilli(Long.parseLong(s)).atZone(ZoneOffset.UTC);
      case DATE: return LocalDate.parse(s);
      case TIMESTAMP: return instant(s);
      case TIMESTAMP_NTZ: return LocalDateTime.ofInstant(instant(s), ZoneOffset.UTC);
      default: throw new IllegalArgumentException("column " + column.getName() + ": type " + type + " is not supported by this tool");
    }
  }

  static Instant instant(String s) {
    int dot = s.indexOf('.');
    if (dot < 0) return Instant.ofEpochSecond(Long.parseLong(s));
    long seconds = Long.parseLong(s.substring(0, dot));
    String frac = (s.substring(dot + 1) + "000000000").substring(0, 9);
    return Instant.ofEpochSecond(seconds, Long.parseLong(frac));
  }

  static void sql(Odps odps, String statement) throws Exception {
    Instance instance = SQLTask.run(odps, statement);
    instance.waitForSuccess(100);
    JsonObject ok = new JsonObject();
    ok.addProperty("ok", true);
    out.println(GSON.toJson(ok));
  }
}
