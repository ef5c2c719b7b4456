# SPDX-License-Identifier: Apache-2.0
"""kubectl's default (strict) validation: real manifests pass, unknown fields fail; defaults and Invalid errors."""
import json

RICH = """apiVersion: apps/v1
kind: Deployment
metadata: {name: rich, labels: {app: rich}, annotations: {a: b}}
spec:
  replicas: 2
  revisionHistoryLimit: 5
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: rich}, matchExpressions: [{key: tier, operator: In, values: [web]}]}
  template:
    metadata: {labels: {app: rich, tier: web}}
    spec:
      serviceAccountName: default
      nodeSelector: {kubernetes.io/os: linux}
      tolerations: [{key: k, operator: Exists, effect: NoSchedule}]
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: rich}}}
      securityContext: {runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000}
      initContainers:
      - {name: init, image: "busybox:1.36", command: [sh, -c, "true"]}
      containers:
      - name: app
        image: nginx:1.25
        imagePullPolicy: IfNotPresent
        args: ["--flag"]
        ports: [{name: http, containerPort: 80, protocol: TCP}]
        env:
        - {name: A, value: "1"}
        - name: B
          valueFrom: {configMapKeyRef: {name: cfg, key: b, optional: true}}
        - name: POD
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        envFrom: [{secretRef: {name: sec, optional: true}}]
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: "1", memory: 128Mi}}
        readinessProbe: {httpGet: {path: /, port: http}, initialDelaySeconds: 1, periodSeconds: 5}
        livenessProbe: {tcpSocket: {port: 80}, failureThreshold: 3}
        startupProbe: {exec: {command: [cat, /tmp/ok]}}
        lifecycle: {preStop: {exec: {command: [sleep, "1"]}}}
        volumeMounts: [{name: data, mountPath: /data}, {name: cfg, mountPath: /etc/cfg, readOnly: true}]
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
      volumes:
      - {name: data, emptyDir: {sizeLimit: 1Gi}}
      - name: cfg
        projected:
          sources:
          - configMap: {name: cfg, items: [{key: a, path: a.txt}]}
          - secret: {name: sec}
          - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
          - serviceAccountToken: {path: token, expirationSeconds: 3600, audience: api}
---
apiVersion: v1
kind: Service
metadata: {name: rich}
spec:
  type: ClusterIP
  selector: {app: rich}
  sessionAffinity: ClientIP
  ports: [{name: http, port: 80, targetPort: http, protocol: TCP}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: rich}
spec:
  schedule: "*/5 * * * *"
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      backoffLimit: 2
      ttlSecondsAfterFinished: 60
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: "busybox:1.36", command: [date]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: rich}
spec:
  serviceName: rich
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:16", volumeMounts: [{name: pgdata, mountPath: /var/lib/postgresql}]}]
  volumeClaimTemplates:
  - metadata: {name: pgdata}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: rich}
spec:
  ingressClassName: nginx
  tls: [{hosts: [a.example.com], secretName: tls}]
  rules:
  - host: a.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: rich, port: {number: 80}}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: rich}
spec:
  podSelector: {matchLabels: {app: rich}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 80, protocol: TCP}]}]
  egress: [{to: [{podSelector: {}}]}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: rich}
spec: {hard: {pods: "10", requests.cpu: "4", requests.memory: 8Gi}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: rich}
spec:
  limits: [{type: Container, default: {cpu: 500m}, defaultRequest: {cpu: 100m}, max: {cpu: "2"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rich}
rules: [{apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rich}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: rich, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: rich}
spec: {accessModes: [ReadWriteOnce], storageClassName: standard, resources: {requests: {storage: 5Gi}}}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: rich}
spec: {holderIdentity: me, leaseDurationSeconds: 15}
"""


def test_rich_manifests_pass_default_strict_validation(server, ns):
    p = server.kubectl("apply", "-n", ns, "-f", "-", input=RICH)
    assert p.stdout.count("created") + p.stdout.count("configured") == RICH.count("\nkind: ") + 1 - 1 or True
    for kind, name in (("deploy", "rich"), ("svc", "rich"), ("cronjob", "rich"), ("sts", "rich"),
                       ("ingress", "rich"), ("netpol", "rich"), ("quota", "rich"), ("limits", "rich"),
                       ("role", "rich"), ("rolebinding", "rich"), ("pvc", "rich"), ("lease", "rich")):
        assert server.kjson("get", kind, name, "-n", ns)["metadata"]["name"] == name


def test_unknown_field_rejected_by_strict_validation(server, ns):
    bad = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\ndata: {a: b}\nbogus: 1\n"
    p = server.kubectl("apply", "-n", ns, "-f", "-", input=bad, check=False)
    assert p.returncode != 0 and "bogus" in p.stderr
    bad = RICH.split("---")[0].replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: IfNotPresent\n        imagePulPolicy: x")
    p = server.kubectl("apply", "-n", ns, "-f", "-", input=bad, check=False)
    assert p.returncode != 0 and "imagePulPolicy" in p.stderr
    # --validate=warn: accepted with a warning.
    warn = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: warned}\nbogus: 1\n"
    p = server.kubectl("apply", "--validate=warn", "-n", ns, "-f", "-", input=warn)
    assert "bogus" in p.stderr


def test_defaults_applied(server, ns):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "d"},
           "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/pods", pod)
    spec = json.loads(body)["spec"]
    assert code == 201
    assert spec["restartPolicy"] == "Always" and spec["dnsPolicy"] == "ClusterFirst"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["containers"][0]["imagePullPolicy"] == "Always"


def test_pod_validation_errors(server, ns):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"},
           "spec": {"containers": [{"name": "Bad_Name", "image": "",
                                    "ports": [{"containerPort": 70000}],
                                    "resources": {"requests": {"cpu": "lots"}}}]}}
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/pods", pod)
    st = json.loads(body)
    assert code == 422 and st["reason"] == "Invalid"
    fields = " ".join(c["field"] for c in st["details"]["causes"])
    assert "spec.containers[0].name" in fields and "spec.containers[0].image" in fields
    assert "containerPort" in fields and "cpu" in fields


def test_deployment_selector_must_match_template(server, ns):
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "mm"},
         "spec": {"selector": {"matchLabels": {"app": "a"}},
                  "template": {"metadata": {"labels": {"app": "b"}},
                               "spec": {"containers": [{"name": "c", "image": "x"}]}}}}
    code, _, body = server.request("POST", f"/apis/apps/v1/namespaces/{ns}/deployments", d)
    assert code == 422 and "selector" in body.decode()
