import { configureSlice } from "./configureSlice.js";

configureSlice(2);
