using System.Globalization;
using BenchmarkDotNet.Running;
using WeaveOrleans.Ipam.Benchmarks;

switch (args)
{
    case ["sizes"]:
        SizeReport.Run(Console.Out);
        break;
    case ["engine", ..]:
        EngineReport.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(SizeReport).Assembly).Run(args);
        break;
}
