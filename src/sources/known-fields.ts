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
