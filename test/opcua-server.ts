import {
  DataType,
  makeEUInformation,
  type Namespace,
  OPCUAServer,
  StatusCodes,
  type UAVariable,
} from 'node-opcua';
import { type OpcuaVariableFixture, opcuaMissingNode, opcuaSourceTime } from '../schemas/fixtures/opcua.ts';

/** An in-process node-opcua server (on a free port) holding the fixture's variables. */
export interface OpcuaTestServer {
  endpointUrl: string;
  namespaceIndex: number;
  variables: Map<string, UAVariable>;
  /** OPCUA_NODES for these variables (and the missing node), as devices `<device>`. */
  nodes(deviceId: string): string;
  shutdown(): Promise<void>;
}

const dataTypes = { Double: DataType.Double, Boolean: DataType.Boolean } as const;

function addVariable(namespace: Namespace, organizedBy: unknown, fixture: OpcuaVariableFixture): UAVariable {
  const common = {
    componentOf: organizedBy as never,
    browseName: fixture.browseName,
    nodeId: `s=Boiler.${fixture.browseName}`,
    dataType: dataTypes[fixture.dataType],
  };
  const eu = fixture.engineeringUnits;
  return eu
    ? namespace.addAnalogDataItem({
        ...common,
        engineeringUnits: makeEUInformation(eu.code, eu.displayName, eu.description),
        engineeringUnitsRange: { low: -1e6, high: 1e6 },
      })
    : namespace.addVariable(common);
}

export async function startOpcuaTestServer(fixtures: OpcuaVariableFixture[]): Promise<OpcuaTestServer> {
  const server = new OPCUAServer({ port: 0, hostname: '127.0.0.1', resourcePath: '/sluice' });
  await server.initialize();
  const namespace = server.engine.addressSpace?.getOwnNamespace();
  if (!namespace) throw new Error('the OPC UA server has no namespace of its own');
  const device = namespace.addObject({
    organizedBy: server.engine.addressSpace?.rootFolder.objects,
    browseName: 'Boiler',
  });
  const variables = new Map<string, UAVariable>();
  for (const fixture of fixtures) {
    const variable = addVariable(namespace, device, fixture);
    const status = StatusCodes[fixture.status as keyof typeof StatusCodes];
    variable.setValueFromSource(
      { dataType: dataTypes[fixture.dataType], value: fixture.value },
      status as never,
      new Date(opcuaSourceTime),
    );
    variables.set(fixture.browseName, variable);
  }
  await server.start();
  const index = namespace.index;
  return {
    endpointUrl: server.getEndpointUrl(),
    namespaceIndex: index,
    variables,
    nodes: (deviceId) =>
      JSON.stringify(
        [...fixtures, opcuaMissingNode].map(({ browseName, metric }) => ({
          nodeId: `ns=${index};s=Boiler.${browseName}`,
          deviceId,
          metric,
          samplingIntervalMs: 100,
        })),
      ),
    shutdown: () => server.shutdown(0),
  };
}
