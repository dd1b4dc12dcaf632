/** The HTTP benchmark's baseline: the least a Worker can do, served the way `npm start` serves rolecall. */
export default {
  fetch(): Response {
    return new Response('hello world');
  },
};
