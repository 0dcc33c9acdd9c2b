// GraphiQL from the API's own assets (no CDN). Put your key in the Headers tab: {"X-API-Key": "sk_..."}.
const root = ReactDOM.createRoot(document.getElementById('graphiql'));
root.render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: '/graphql' }),
    defaultEditorToolsVisibility: 'headers',
    headers: JSON.stringify({ 'X-API-Key': 'sk_your_key_here' }, null, 2),
    shouldPersistHeaders: true,
    defaultQuery: `# Latest readings with their devices, in one round trip per level
{
  latest(limit: 5) {
    data { deviceId metric value unit sourceTime device { siteName deviceType } }
  }
}
`,
  }),
);
