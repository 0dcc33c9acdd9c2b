/**
 * Names of the transport attributes a raw telemetry reading carries (`attributes` of
 * raw.telemetry.readings.v1), defined once for the producers that write them and the stages
 * that read them.
 */
export const telemetryAttributes = {
  /** OPC UA StatusCode of the value, as `0x` and eight hex digits (its severity is in the top bits). */
  opcuaStatusCode: 'opcua.statusCode',
  /** The StatusCode's symbolic name, e.g. BadSensorFailure (for messages; severity comes from the code). */
  opcuaStatusName: 'opcua.statusName',
  opcuaEndpoint: 'opcua.endpoint',
  opcuaNodeId: 'opcua.nodeId',
  /** When the server took the value (the reading's time is the source timestamp). */
  opcuaServerTimestamp: 'opcua.serverTimestamp',
  /** The node's EngineeringUnits (EUInformation) the unit came from: `<UNECE code> <display name>`. */
  opcuaEngineeringUnits: 'opcua.engineeringUnits',
  mqttTopic: 'mqtt.topic',
  mqttQos: 'mqtt.qos',
  mqttRetain: 'mqtt.retain',
  /** Sparkplug B: the metric name as the birth certificate declared it (folders included). */
  sparkplugMetric: 'sparkplug.metric',
  sparkplugDatatype: 'sparkplug.datatype',
  sparkplugSeq: 'sparkplug.seq',
} as const;
