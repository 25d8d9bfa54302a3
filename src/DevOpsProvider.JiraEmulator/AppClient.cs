using System.Net.Http.Headers;
using System.Text;
using DevOpsProvider.Connect;

namespace DevOpsProvider.JiraEmulator;

/// <summary>Jira's calls to the app: lifecycle callbacks and actions, each signed the way Jira signs it.</summary>
internal sealed class AppClient(Emulator emulator)
{
    private const int MaxAnswerChars = 64 * 1024;
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(3);

    /// <summary>How a call is signed: RS256 with the install key (installed, uninstalled) or HS256 with a shared secret.</summary>
    public abstract record Signing;

    public sealed record InstallKeySigned : Signing;

    public sealed record SecretSigned(string SharedSecret, string? UserId = null) : Signing;

    /// <summary>Sends <paramref name="json"/> to the app's baseUrl + <paramref name="relativeUrl"/>; status 0 when the app could not be reached.</summary>
    public async Task<ActionCallResult> SendAsync(
        EmulatorSite site, HttpMethod method, string relativeUrl, string json, Signing signing, CancellationToken ct)
    {
        var app = site.App;
        var url = app.BaseUrl + relativeUrl;
        var qsh = QueryStringHash.Compute(method.Method, url, app.BasePath);
        var now = emulator.Time.GetUtcNow();
        var token = signing switch
        {
            InstallKeySigned => emulator.InstallKey.Sign(site.ClientKey, app.BaseUrl, qsh, now, TokenLifetime),
            SecretSigned s => ConnectJwt.Create(site.ClientKey, s.SharedSecret, qsh, now, TokenLifetime,
                s.UserId is null ? null : new Dictionary<string, string> { ["sub"] = s.UserId }),
            _ => throw new ArgumentOutOfRangeException(nameof(signing)),
        };

        using var request = new HttpRequestMessage(method, url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("JWT", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return new ActionCallResult((int)response.StatusCode, body.Length > MaxAnswerChars ? body[..MaxAnswerChars] : body);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new ActionCallResult(0, ex.Message);
        }
    }
}
