using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DevOpsProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DevOpsProvider.Tests.JiraEmulator;

/// <summary>
/// The smallest Connect app the emulator can install: a real Kestrel host on 127.0.0.1 under the context path /app,
/// serving a descriptor and recording every call Jira makes to it (lifecycle callbacks, actions).
/// </summary>
public sealed class MiniConnectApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MiniConnectApp(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Descriptor = DefaultDescriptor(baseUrl);
    }

    /// <summary>The app's baseUrl, with a context path, so qsh computations must strip it.</summary>
    public string BaseUrl { get; }

    public string DescriptorUrl => BaseUrl + "/atlassian-connect.json";

    /// <summary>The descriptor served; tests change it before installing.</summary>
    public JsonObject Descriptor { get; set; }

    /// <summary>Status answered per path under the app (e.g. "/installed"); 204 for lifecycle and 200 otherwise by default.</summary>
    public ConcurrentDictionary<string, int> Answers { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    public sealed record ReceivedCall(string Method, string RawPath, string RawQuery, string? Authorization, JsonObject? Body);

    public IEnumerable<ReceivedCall> CallsTo(string path) => Calls.Where(c => c.RawPath == "/app" + path);

    public static async Task<MiniConnectApp> StartAsync()
    {
        var port = Ports.FreeLoopbackPort();
        var builder = WebApplication.CreateSlimBuilder(["--urls", $"http://127.0.0.1:{port}"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var mini = new MiniConnectApp(app, $"http://127.0.0.1:{port}/app");
        app.MapGet("/app/atlassian-connect.json", () => Results.Text(mini.Descriptor.ToJsonString(), "application/json"));
        app.Map("/app/{**rest}", mini.RecordAsync);
        await app.StartAsync();
        return mini;
    }

    public static JsonObject DefaultDescriptor(string baseUrl, string key = "mini-app") => JsonNode.Parse($$"""
        {
          "key": "{{key}}",
          "name": "Mini app",
          "description": "A test app",
          "vendor": { "name": "Tests", "url": "{{baseUrl}}" },
          "baseUrl": "{{baseUrl}}",
          "authentication": { "type": "jwt" },
          "apiMigrations": { "signed-install": true, "context-qsh": true },
          "lifecycle": { "installed": "/installed", "uninstalled": "/uninstalled", "enabled": "/enabled", "disabled": "/disabled" },
          "scopes": [ "READ", "WRITE", "DELETE" ],
          "modules": {
            "jiraDevOpsComponentProvider": {
              "key": "mini-provider",
              "name": { "value": "Mini provider" },
              "homeUrl": "{{baseUrl}}/",
              "actions": {
                "associateEntity": { "templateUrl": "/actions/associate" },
                "disassociateEntity": { "templateUrl": "/actions/disassociate" },
                "onEntityAssociated": { "templateUrl": "/actions/on-associated" },
                "onEntityDisassociated": { "templateUrl": "/actions/on-disassociated" }
              }
            }
          }
        }
        """)!.AsObject();

    private async Task RecordAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var qm = raw.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = qm < 0 ? (raw, "") : (raw[..qm], raw[qm..]);
        var text = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var body = string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text) as JsonObject;
        Calls.Enqueue(new ReceivedCall(context.Request.Method, path, query, context.Request.Headers.Authorization.ToString(), body));
        var relative = path["/app".Length..];
        var lifecycle = relative is "/installed" or "/uninstalled" or "/enabled" or "/disabled";
        context.Response.StatusCode = Answers.TryGetValue(relative, out var status) ? status : lifecycle ? 204 : 200;
        if (!lifecycle && context.Response.StatusCode == 200)
        {
            await context.Response.WriteAsJsonAsync(new { answeredBy = "mini-app", path = relative });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
