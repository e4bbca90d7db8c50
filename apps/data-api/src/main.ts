import { hello } from '@one-data/service-kit';
import Fastify from 'fastify';
const app = Fastify();
console.log(hello(), typeof app);
