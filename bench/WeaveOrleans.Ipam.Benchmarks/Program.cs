using BenchmarkDotNet.Running;
using WeaveOrleans.Ipam.Benchmarks;

if (args is ["sizes"])
    SizeReport.Run(Console.Out);
else
    BenchmarkSwitcher.FromAssembly(typeof(SizeReport).Assembly).Run(args);
