using WeaveOrleans.Cli;

return await new WeaveCli(Console.Out, Console.Error, Environment.GetEnvironmentVariable).RunAsync(args);
