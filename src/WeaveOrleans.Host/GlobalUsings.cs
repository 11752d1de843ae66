// Microsoft.Extensions.Hosting has a HostOptions too; in this project the name means ours.
global using HostOptions = WeaveOrleans.Grains.HostOptions;
