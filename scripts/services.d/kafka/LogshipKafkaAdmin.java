// Small Kafka admin tool used by scripts/services (not part of logship).
//
// Compiled once by scripts/services with the broker's own jars on the
// classpath (kafka-clients is among them) and cached next to them.
//
//   LogshipKafkaAdmin probe  BOOTSTRAP TIMEOUT_SECONDS
//       waits until the broker answers metadata requests AND can create and
//       delete a topic (i.e. the KRaft controller is active and the broker is
//       unfenced); exit 0 when ready, 2 on timeout.
//   LogshipKafkaAdmin create BOOTSTRAP TOPIC PARTITIONS [REPLICATION_FACTOR]
//       creates TOPIC (replication factor 1 unless given) and waits until every partition
//       has a leader; an existing topic with the same partition count is OK.
//   LogshipKafkaAdmin delete BOOTSTRAP TOPIC
//       deletes TOPIC and waits until it is gone; a missing topic is OK.
//   LogshipKafkaAdmin list   BOOTSTRAP
//       prints the (non-internal) topic names, one a line.
//   LogshipKafkaAdmin offsets BOOTSTRAP TOPIC
//       prints "PARTITION HIGH_WATERMARK" for each partition of TOPIC, one a line, in partition
//       order; exit 1 (and nothing on stdout) when the topic does not exist.

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

public final class LogshipKafkaAdmin {
    private static final long OP_TIMEOUT_MS = 30_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        String cmd = args[0];
        String bootstrap = args[1];
        int rc;
        switch (cmd) {
            case "probe":
                rc = probe(bootstrap, args.length > 2 ? Integer.parseInt(args[2]) : 60);
                break;
            case "create":
                if (args.length < 3) usage();
                rc = create(bootstrap, args[2], args.length > 3 ? Integer.parseInt(args[3]) : 3,
                        args.length > 4 ? Short.parseShort(args[4]) : (short) 1);
                break;
            case "delete":
                if (args.length < 3) usage();
                rc = delete(bootstrap, args[2]);
                break;
            case "list":
                rc = list(bootstrap);
                break;
            case "offsets":
                if (args.length < 3) usage();
                rc = offsets(bootstrap, args[2]);
                break;
            default:
                usage();
                rc = 64;
        }
        System.exit(rc);
    }

    private static void usage() {
        System.err.println("usage: LogshipKafkaAdmin probe|create|delete|list|offsets BOOTSTRAP [TOPIC [PARTITIONS]|TIMEOUT_S]");
        System.exit(64);
    }

    private static Admin admin(String bootstrap, int requestTimeoutMs) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "logship-services-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(requestTimeoutMs, 5_000));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        return Admin.create(p);
    }

    private static Throwable cause(Throwable t) {
        return (t instanceof ExecutionException && t.getCause() != null) ? t.getCause() : t;
    }

    /** Waits until all partitions of the topic have a leader (metadata propagated). */
    private static boolean waitForLeaders(Admin a, String topic, int partitions, long deadline) throws InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            try {
                Map<String, TopicDescription> d = a.describeTopics(List.of(topic)).allTopicNames()
                        .get(5, TimeUnit.SECONDS);
                TopicDescription td = d.get(topic);
                if (td != null && td.partitions().size() == partitions
                        && td.partitions().stream().allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty())) {
                    return true;
                }
            } catch (Exception e) {
                // not there yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static boolean waitForGone(Admin a, String topic, long deadline) throws InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            try {
                Set<String> names = a.listTopics().names().get(5, TimeUnit.SECONDS);
                if (!names.contains(topic)) {
                    return true;
                }
            } catch (Exception e) {
                // retry
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static int probe(String bootstrap, int timeoutSeconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        String topic = "__logship_probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String last = "no answer yet";
        try (Admin a = admin(bootstrap, 3_000)) {
            while (System.currentTimeMillis() < deadline) {
                try {
                    int nodes = a.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (nodes < 1) {
                        last = "cluster has no live brokers";
                        Thread.sleep(200);
                        continue;
                    }
                    try {
                        a.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(cause(e) instanceof TopicExistsException)) throw e;
                    }
                    if (!waitForLeaders(a, topic, 1, Math.min(deadline, System.currentTimeMillis() + 10_000))) {
                        last = "probe topic got no leader";
                        continue;
                    }
                    a.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
                    if (!waitForGone(a, topic, Math.min(deadline, System.currentTimeMillis() + 10_000))) {
                        last = "probe topic was not deleted";
                        continue;
                    }
                    System.out.println("[services] kafka ready: " + nodes + " broker(s) at " + bootstrap);
                    return 0;
                } catch (Exception e) {
                    last = cause(e).toString();
                    Thread.sleep(200);
                }
            }
        }
        System.err.println("[services] kafka probe timed out after " + timeoutSeconds + "s at " + bootstrap + ": " + last);
        return 2;
    }

    private static int create(String bootstrap, String topic, int partitions, short replication)
            throws Exception {
        long deadline = System.currentTimeMillis() + OP_TIMEOUT_MS;
        try (Admin a = admin(bootstrap, 10_000)) {
            try {
                a.createTopics(List.of(new NewTopic(topic, partitions, replication))).all()
                        .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                System.out.println("created topic " + topic + " (" + partitions + " partitions)");
            } catch (ExecutionException e) {
                if (!(cause(e) instanceof TopicExistsException)) {
                    System.err.println("cannot create topic " + topic + ": " + cause(e));
                    return 1;
                }
                TopicDescription td = a.describeTopics(List.of(topic)).allTopicNames()
                        .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
                List<TopicPartitionInfo> ps = td.partitions();
                if (ps.size() != partitions) {
                    System.err.println("topic " + topic + " already exists with " + ps.size()
                            + " partitions (wanted " + partitions + ")");
                    return 1;
                }
                System.out.println("topic " + topic + " already exists (" + partitions + " partitions)");
            }
            if (!waitForLeaders(a, topic, partitions, deadline)) {
                System.err.println("topic " + topic + ": partitions got no leader within " + OP_TIMEOUT_MS + " ms");
                return 1;
            }
            return 0;
        }
    }

    private static int delete(String bootstrap, String topic) throws Exception {
        long deadline = System.currentTimeMillis() + OP_TIMEOUT_MS;
        try (Admin a = admin(bootstrap, 10_000)) {
            try {
                a.deleteTopics(List.of(topic)).all().get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                System.out.println("deleted topic " + topic);
            } catch (ExecutionException e) {
                if (!(cause(e) instanceof UnknownTopicOrPartitionException)) {
                    System.err.println("cannot delete topic " + topic + ": " + cause(e));
                    return 1;
                }
                System.out.println("topic " + topic + " does not exist");
                return 0;
            }
            if (!waitForGone(a, topic, deadline)) {
                System.err.println("topic " + topic + " still listed " + OP_TIMEOUT_MS + " ms after delete");
                return 1;
            }
            return 0;
        }
    }

    private static int list(String bootstrap) throws Exception {
        try (Admin a = admin(bootstrap, 10_000)) {
            Set<String> names = a.listTopics().names().get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            names.stream().sorted().forEach(System.out::println);
            return 0;
        }
    }

    private static int offsets(String bootstrap, String topic) throws Exception {
        try (Admin a = admin(bootstrap, 10_000)) {
            TopicDescription td;
            try {
                td = a.describeTopics(List.of(topic)).allTopicNames().get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
            } catch (ExecutionException e) {
                System.err.println("cannot describe topic " + topic + ": " + cause(e));
                return 1;
            }
            Map<TopicPartition, OffsetSpec> request = new TreeMap<>((x, y) -> Integer.compare(x.partition(), y.partition()));
            for (TopicPartitionInfo p : td.partitions()) {
                request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> got = a.listOffsets(request).all()
                    .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (TopicPartition tp : request.keySet()) {
                System.out.println(tp.partition() + " " + got.get(tp).offset());
            }
            return 0;
        }
    }

    private LogshipKafkaAdmin() {
    }
}
