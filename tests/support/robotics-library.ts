/**
 * Six robotics papers with every field a filter or an export looks at (years, authors with accents,
 * venues, tags, DOIs, an arXiv id, one paper without a year), for tests of filters and exports.
 */
export const ROBOTICS_LIBRARY = [
  {
    title: 'Diffusion policies for dexterous manipulation',
    abstract: 'A diffusion model generates robot hand trajectories for dexterous manipulation of tools.',
    authors: ['Ada Lovelace', 'José Álvarez'],
    year: 2024,
    venue: 'Conference on Robot Learning',
    tags: ['cs.RO', 'diffusion'],
    doi: '10.5555/diffusion.2024',
  },
  {
    title: 'Tactile sensing for robot grasping',
    abstract: 'Robot hands with tactile skins grasp fragile objects without crushing them.',
    authors: ['Alan Turing'],
    year: 2023,
    venue: 'IEEE International Conference on Robotics and Automation',
    tags: ['cs.RO', 'tactile'],
    arxiv: '2301.01234',
  },
  {
    title: 'Legged locomotion with reinforcement learning',
    abstract: 'A quadruped robot learns to walk on rough terrain with reinforcement learning in simulation.',
    authors: ['Grace Hopper', 'Ada Lovelace'],
    year: 2022,
    venue: 'Science Robotics',
    tags: ['cs.RO', 'locomotion'],
    doi: '10.5555/legged.2022',
  },
  {
    title: 'Behaviour cloning from human videos',
    abstract: 'Robots imitate manipulation skills from videos of people, without teleoperated demonstrations.',
    authors: ['Barbara Liskov'],
    year: 2024,
    venue: 'Conference on Robot Learning',
    tags: ['cs.RO', 'imitation'],
  },
  {
    title: 'Sim-to-real transfer for humanoid robots',
    abstract: 'Humanoid robot controllers trained in simulation transfer to hardware with domain randomisation.',
    authors: ['Edsger Dijkstra'],
    year: 2021,
    venue: 'Robotics: Science and Systems',
    tags: ['cs.RO'],
  },
  {
    title: 'A survey of robot learning',
    abstract: 'We survey how robots learn skills from demonstrations, rewards and language.',
    authors: ['Ada Lovelace'],
    tags: ['survey'],
  },
];
