namespace Crm.Functions.Hosting;

internal static class HostJson
{
    public const string Prefix = "AzureFunctionsJobHost";

    /// <summary>
    /// Loads <c>host.json</c> under <c>AzureFunctionsJobHost:</c>, where the Functions host puts it, as the
    /// lowest-priority source: environment variables and test settings override it by the same names.
    /// </summary>
    public static void AddHostJson(this IConfigurationBuilder configuration, string contentRoot)
    {
        var path = new[] { Path.Combine(contentRoot, "host.json"), Path.Combine(AppContext.BaseDirectory, "host.json") }.FirstOrDefault(File.Exists);
        if (path is null)
        {
            return;
        }
        var values = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build().AsEnumerable()
            .Where(kv => kv.Value is not null)
            .Select(kv => new KeyValuePair<string, string?>($"{Prefix}:{kv.Key}", kv.Value));
        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values };
        configuration.Sources.Insert(0, source);
    }
}
