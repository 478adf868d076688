// Users and ACLs of the local Kafka's SASL_SSL listener, through the Admin API on the
// open PLAINTEXT listener (whose principal is a super user). Both calls are idempotent.
//
//   java -cp KAFKA_CLASSPATH SecureSetup.java BOOTSTRAP SPEC_FILE
//
// SPEC_FILE, one entry a line:
//   user NAME PASSWORD                                  a SCRAM-SHA-512 credential
//   allow PRINCIPAL TOPIC|GROUP PREFIXED|LITERAL NAME OPERATION   an ACL that allows
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class SecureSetup {
    private static final int SCRAM_ITERATIONS = 4096;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SecureSetup BOOTSTRAP SPEC_FILE");
            System.exit(2);
        }
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        List<AclBinding> acls = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            String[] f = line.trim().split("\\s+");
            if (f[0].isEmpty() || f[0].startsWith("#")) {
                continue;
            }
            if (f[0].equals("user") && f.length == 3) {
                users.add(new UserScramCredentialUpsertion(
                        f[1], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), f[2]));
            } else if (f[0].equals("allow") && f.length == 6) {
                ResourcePattern resource = new ResourcePattern(
                        ResourceType.valueOf(f[2]), f[4], PatternType.valueOf(f[3]));
                acls.add(new AclBinding(resource, new AccessControlEntry(
                        f[1], "*", AclOperation.valueOf(f[5]), AclPermissionType.ALLOW)));
            } else {
                throw new IllegalArgumentException("SecureSetup: cannot read spec line: " + f[0] + " ...");
            }
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        try (Admin admin = Admin.create(props)) {
            admin.alterUserScramCredentials(users).all().get();
            admin.createAcls(acls).all().get();
        }
        System.out.println("SecureSetup: " + users.size() + " users, " + acls.size() + " ACLs");
    }
}
