export { createMcpServer, MCP_PATH, mcpOverHttp } from './server.js';
