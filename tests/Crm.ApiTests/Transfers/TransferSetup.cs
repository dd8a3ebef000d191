using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Transfers;

/// <summary>Starting import and export jobs through the API and waiting for them.</summary>
public static class TransferSetup
{
    public static async Task<HttpResponseMessage> ImportAsync(this HttpClient client, string entityType, byte[] file, string fileName = "rows.csv",
        string? mode = null, string? keyField = null, bool? dryRun = null)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".xlsx", StringComparison.Ordinal)
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
        form.Add(part, "file", fileName);
        form.Add(new StringContent(entityType), "entityType");
        if (mode is not null)
        {
            form.Add(new StringContent(mode), "mode");
        }
        if (keyField is not null)
        {
            form.Add(new StringContent(keyField), "keyField");
        }
        if (dryRun is not null)
        {
            form.Add(new StringContent(dryRun.Value ? "true" : "false"), "dryRun");
        }
        return await client.PostAsync("/api/v1/imports", form);
    }

    public static byte[] Csv(string text, bool bom = true) => [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)];

    /// <summary>Starts an import, expects 202 with a Location, and waits for the job to finish.</summary>
    public static async Task<JsonElement> ImportAndWaitAsync(this HttpClient client, string entityType, byte[] file, string fileName = "rows.csv",
        string? mode = null, string? keyField = null, bool? dryRun = null, TimeSpan? timeout = null)
    {
        var response = await client.ImportAsync(entityType, file, fileName, mode, keyField, dryRun);
        var job = await response.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/imports/{job.Id()}", response.Headers.Location?.OriginalString);
        return await client.WaitForJobAsync(response.Headers.Location!.OriginalString, timeout);
    }

    public static async Task<JsonElement> WaitForJobAsync(this HttpClient client, string url, TimeSpan? timeout = null) =>
        await Http.EventuallyAsync(() => client.GetJsonAsync(url), j => j.Str("status") is "succeeded" or "failed" or "cancelled", timeout ?? TimeSpan.FromSeconds(60));

    public static async Task<JsonElement> ExportAndWaitAsync(this HttpClient client, object body)
    {
        var response = await client.PostAsync("/api/v1/exports", JsonContent(body));
        var job = await response.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/exports/{job.Id()}", response.Headers.Location?.OriginalString);
        return await client.WaitForJobAsync(response.Headers.Location!.OriginalString);
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body, Web), Encoding.UTF8, "application/json");

    public static void AssertCounts(JsonElement job, int created = 0, int updated = 0, int skipped = 0, int failed = 0)
    {
        Assert.Equal("succeeded", job.Str("status"));
        Assert.Equal((created, updated, skipped, failed),
            (job.GetProperty("created").GetInt32(), job.GetProperty("updated").GetInt32(), job.GetProperty("skipped").GetInt32(), job.GetProperty("failed").GetInt32()));
        Assert.Equal(job.GetProperty("total").GetInt32(), job.GetProperty("processed").GetInt32());
    }
}
