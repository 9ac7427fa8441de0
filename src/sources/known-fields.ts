/**
 * @module sources/known-fields
 * The JSON field names of the API types whose keys are checked in files, as the API server's strict
 * field validation (`kubectl apply`'s default since 1.25) checks them: a misspelt key is refused
 * rather than read as absent, since `podSelecter:` would otherwise select every pod and admit
 * nothing. Each list is the complete field set of its Kubernetes type, copied from the
 * `attributeTypeMap` of the @kubernetes/client-node 1.4.0 model named beside it; only types that
 * are small and stable across releases are listed. PodSpec, Container, PodStatus and workload specs
 * are not: they gain fields almost every release, so a list written today would refuse valid
 * manifests for a newer server, which is worse than not checking (see decode-pod.ts).
 */

export type KnownFields = readonly string[];

/**
 * metav1.ObjectMeta (V1ObjectMeta). `clusterName` left it in Kubernetes 1.25, and a strict server
 * now refuses it too.
 */
export const OBJECT_META: KnownFields = [
  'name',
  'namespace',
  'labels',
  'annotations',
  'generateName',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'ownerReferences',
  'finalizers',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
];

/**
 * Every top-level object this tool reads (V1Pod, V1Namespace, V1Node, V1Deployment, ... and
 * V1NetworkPolicy). A NetworkPolicy had a `status` from Kubernetes 1.24 to 1.27 and old exports
 * still carry it.
 */
export const TOP_LEVEL: KnownFields = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

/** metav1.OwnerReference (V1OwnerReference). */
export const OWNER_REFERENCE: KnownFields = ['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion'];

/** core/v1 PodTemplateSpec and batch/v1 JobTemplateSpec (V1PodTemplateSpec, V1JobTemplateSpec). */
export const TEMPLATE_SPEC: KnownFields = ['metadata', 'spec'];

/** core/v1 ContainerPort (V1ContainerPort); unchanged since v1. */
export const CONTAINER_PORT: KnownFields = ['name', 'containerPort', 'protocol', 'hostPort', 'hostIP'];

/** core/v1 NodeAddress (V1NodeAddress). */
export const NODE_ADDRESS: KnownFields = ['type', 'address'];

/** core/v1 PodIP (V1PodIP). */
export const POD_IP: KnownFields = ['ip'];

/** networking.k8s.io/v1 NetworkPolicySpec (V1NetworkPolicySpec). */
export const POLICY_SPEC: KnownFields = ['podSelector', 'policyTypes', 'ingress', 'egress'];

/** NetworkPolicyIngressRule (V1NetworkPolicyIngressRule). */
export const INGRESS_RULE: KnownFields = ['from', 'ports'];

/** NetworkPolicyEgressRule (V1NetworkPolicyEgressRule). */
export const EGRESS_RULE: KnownFields = ['to', 'ports'];

/** NetworkPolicyPeer (V1NetworkPolicyPeer). */
export const POLICY_PEER: KnownFields = ['podSelector', 'namespaceSelector', 'ipBlock'];

/** IPBlock (V1IPBlock). */
export const IP_BLOCK: KnownFields = ['cidr', 'except'];

/** NetworkPolicyPort (V1NetworkPolicyPort). */
export const POLICY_PORT: KnownFields = ['protocol', 'port', 'endPort'];

/** metav1.LabelSelector (V1LabelSelector). */
export const LABEL_SELECTOR: KnownFields = ['matchLabels', 'matchExpressions'];

/** metav1.LabelSelectorRequirement (V1LabelSelectorRequirement). */
export const SELECTOR_REQUIREMENT: KnownFields = ['key', 'operator', 'values'];

/**
 * core/v1 ServicePort (V1ServicePort). ServiceSpec itself is not listed: it gains fields nearly
 * every release (ipFamilyPolicy, trafficDistribution, ...), like PodSpec.
 */
export const SERVICE_PORT: KnownFields = ['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort'];

/*
 * The admin tiers' CRDs (sig-network network-policy-api; its Go types, not client-node, define
 * them): v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, v1alpha2 ClusterNetworkPolicy.
 * Their CRDs are structural, so a strict server refuses unknown fields in them as in built-in kinds.
 */

/** AdminNetworkPolicySpec; BaselineAdminNetworkPolicySpec is the same without priority. */
export const ANP_SPEC: KnownFields = ['priority', 'subject', 'ingress', 'egress'];
export const BANP_SPEC: KnownFields = ['subject', 'ingress', 'egress'];
/** ClusterNetworkPolicySpec (v1alpha2). */
export const CNP_SPEC: KnownFields = ['tier', 'priority', 'subject', 'ingress', 'egress'];
/** AdminNetworkPolicySubject, ClusterNetworkPolicySubject. */
export const TIER_SUBJECT: KnownFields = ['namespaces', 'pods'];
/** NamespacedPod. */
export const NAMESPACED_POD: KnownFields = ['namespaceSelector', 'podSelector'];
/** The v1alpha1 rules: AdminNetworkPolicyIngressRule / EgressRule (and the baseline ones). */
export const ANP_INGRESS_RULE: KnownFields = ['name', 'action', 'from', 'ports'];
export const ANP_EGRESS_RULE: KnownFields = ['name', 'action', 'to', 'ports'];
/** The v1alpha2 rules: ClusterNetworkPolicyIngressRule / EgressRule. */
export const CNP_INGRESS_RULE: KnownFields = ['name', 'action', 'from', 'protocols'];
export const CNP_EGRESS_RULE: KnownFields = ['name', 'action', 'to', 'protocols'];
/** The peers, ingress and egress; v1alpha2 egress peers add domainNames. */
export const TIER_INGRESS_PEER: KnownFields = ['namespaces', 'pods'];
export const ANP_EGRESS_PEER: KnownFields = ['namespaces', 'pods', 'nodes', 'networks'];
export const CNP_EGRESS_PEER: KnownFields = ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'];
/** AdminNetworkPolicyPort and its parts (v1alpha1). */
export const ANP_PORT: KnownFields = ['portNumber', 'namedPort', 'portRange'];
export const ANP_PORT_NUMBER: KnownFields = ['protocol', 'port'];
export const ANP_PORT_RANGE: KnownFields = ['protocol', 'start', 'end'];
/** ClusterNetworkPolicyProtocol and its parts (v1alpha2). */
export const CNP_PROTOCOL: KnownFields = ['tcp', 'udp', 'sctp', 'destinationNamedPort'];
export const CNP_PROTOCOL_PORTS: KnownFields = ['destinationPort'];
export const CNP_PORT: KnownFields = ['number', 'range'];
export const CNP_PORT_RANGE: KnownFields = ['start', 'end'];
