import { mount } from './root';

mount(null);
