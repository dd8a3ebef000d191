using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crm.DeployTests.Infrastructure;

/// <summary>A compiled ARM template (or a module's nested one), with the look-ups the tests need.</summary>
public sealed class ArmTemplate(JsonObject json)
{
    public JsonObject Json { get; } = json;

    public string Text { get; } = Raw(json);

    public JsonObject Parameters => Json["parameters"]?.AsObject() ?? [];

    public JsonObject Variables => Json["variables"]?.AsObject() ?? [];

    public JsonObject Outputs => Json["outputs"]?.AsObject() ?? [];

    /// <summary>Every resource with its symbolic name (languageVersion 2.0 keys them; older templates list them).</summary>
    public IEnumerable<(string Key, JsonObject Resource)> Resources() => Json["resources"] switch
    {
        JsonObject byName => byName.Select(p => (p.Key, p.Value!.AsObject())),
        JsonArray list => list.Select((r, i) => ($"#{i}", r!.AsObject())),
        _ => [],
    };

    public IEnumerable<JsonObject> ResourcesOf(string type) =>
        Resources().Select(r => r.Resource).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one deployed (not existing) resource of <paramref name="type"/>.</summary>
    public JsonObject Resource(string type) => Assert.Single(ResourcesOf(type), r => r["existing"] is null);

    /// <summary>A module by its symbolic name in this template.</summary>
    public ArmModule Module(string symbolicName)
    {
        var (_, resource) = Assert.Single(Resources(), r => r.Key == symbolicName);
        Assert.Equal("Microsoft.Resources/deployments", (string?)resource["type"]);
        return new ArmModule(resource);
    }

    public IEnumerable<ArmModule> Modules() =>
        ResourcesOf("Microsoft.Resources/deployments").Select(r => new ArmModule(r));

    /// <summary>This template and every module template inside it, depth first.</summary>
    public IEnumerable<ArmTemplate> SelfAndModules() =>
        Modules().SelectMany(m => m.Template.SelfAndModules()).Prepend(this);

    /// <summary>The default value of a parameter, as JSON.</summary>
    public JsonNode? Default(string parameter) => Parameters[parameter]?["defaultValue"];

    /// <summary>A string as it is; anything else as JSON, with quotes and parentheses left readable.</summary>
    public static string Raw(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(Readable),
    };

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>A module (nested deployment): what it is given and its template.</summary>
public sealed class ArmModule(JsonObject deployment)
{
    public JsonObject Deployment { get; } = deployment;

    public string Name => (string)Deployment["name"]!;

    public string? Condition => (string?)Deployment["condition"];

    public ArmTemplate Template { get; } = new(deployment["properties"]!["template"]!.AsObject());

    /// <summary>The expression or value passed for a module parameter, as the compiled JSON has it.</summary>
    public string Param(string name) =>
        Deployment["properties"]?["parameters"]?[name] is JsonObject given
            ? ArmTemplate.Raw(given["value"])
            : throw new Xunit.Sdk.XunitException($"Module {Name} is given no parameter '{name}'.");
}
