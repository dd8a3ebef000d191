using Crm.Functions;
using Crm.Functions.Hosting;

// `<app> run-job <name>` runs one timer job once and exits (Container Apps scheduled jobs call this).
var runJob = args is ["run-job", var jobName, ..] ? jobName : null;
var builder = WebApplication.CreateBuilder(runJob is null ? args : args[2..]);
builder.AddCrmHost();
builder.Services.AddCrmFeatures(builder.Configuration);

var app = builder.Build();
if (runJob is not null)
{
    return await app.RunJobAsync(runJob);
}
app.UseCrmPipeline();
app.MapCrmApi();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the API tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
