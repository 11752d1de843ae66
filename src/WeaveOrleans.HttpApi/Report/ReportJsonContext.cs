using System.Text.Json.Serialization;

namespace WeaveOrleans.HttpApi.Report;

/// <summary>The report as Weave writes it: indented by four spaces, fields in declaration order, nulls written.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, IndentSize = 4)]
[JsonSerializable(typeof(WeaveReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
