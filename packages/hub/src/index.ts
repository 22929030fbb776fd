export { createHubApp } from './app.js';
